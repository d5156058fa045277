/**
 * @module test/tasks/measure/task-redis-cost
 * Redis commands per task run, as Redis counts them (INFO commandstats deltas, calls inside
 * scripts included), with one real worker process:
 *   node_modules/.bin/node test/tasks/measure/task-redis-cost.ts
 * Rows: a plain task (echo), a task with one ctx.fetch (fetch-title), a task with a fleet-wide
 * rateLimit, and a fan-out of 10 children with waiting (per parent, children included).
 */
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import { startTaskStack } from '../task-stack.ts';

const RUNS = 40;
const t = await startTaskStack({ name: 'tasks-cost', hosts: ['127.0.0.2'], workers: 1 });

async function calls(redis: typeof t.broker): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/calls=(\d+)/g)) total += Number(match[1]);
  return total;
}

async function measure(label: string, add: () => Promise<string>, runs: number): Promise<void> {
  // Includes what runs meanwhile anyway (the worker's idle polling, this script's adds and state
  // polls): compare rows with the scrape-job row, measured the same way.
  const ids: string[] = [];
  const before = [await calls(t.broker), await calls(t.results)];
  for (let i = 0; i < runs; i++) ids.push(await add());
  for (const id of ids) await t.waitForState(id, ['completed', 'failed'], 60_000);
  const after = [await calls(t.broker), await calls(t.results)];
  console.log(`${label}: broker ${((after[0]! - before[0]!) / runs).toFixed(1)} commands/run, result store ${((after[1]! - before[1]!) / runs).toFixed(1)} (incl. the measuring INFO and this script's adds and state polls)`);
}

try {
  await measure('warm-up (not a result)', () => t.addTask('echo', { value: 0 }), 5);
  let n = 0;
  await measure('scrape job, for comparison (http /page/n)', async () => {
    const request = jobRequestSchema.parse({ url: t.site.url('127.0.0.2', `/page/${++n}`) });
    const id = `s-${n}-${Date.now()}`;
    await t.queue.add('http', { request, acceptedAt: Date.now() }, { jobId: id, attempts: 1 });
    return id;
  }, RUNS);
  await measure('echo', () => t.addTask('echo', { value: 1 }), RUNS);
  await measure('fetch-title (1 ctx.fetch)', () => t.addTask('fetch-title', { url: t.site.url('127.0.0.2', '/page/1') }), RUNS);
  await measure('rate-limited (rateLimit 2/s)', () => t.addTask('rate-limited', {}), 6);
  await measure('fan-out of 10 (children included)', () => t.addTask('fan-out', { count: 10 }), 5);
} finally {
  await t.close();
}
