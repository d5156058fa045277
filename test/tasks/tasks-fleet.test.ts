/**
 * Tasks across a fleet of real worker processes: every ctx.fetch of every task obeys the
 * per-domain rate for the whole fleet (judged on the site's own arrival log), and a fan-out whose
 * worker is SIGKILLed while its children run still completes, each child once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { windowViolations } from '../politeness/window-check.ts';
import { startTaskStack, type TaskStack } from './task-stack.ts';

let t: TaskStack;
const RATE = { max: 4, perMs: 1_000 };

beforeAll(async () => {
  t = await startTaskStack({
    name: 'tasks-fleet', hosts: ['127.0.0.2', '127.0.0.3'], workers: 2,
    workerEnv: {
      QUARRY_DOMAIN_RATES: `${RATE.max}/${RATE.perMs}`, QUARRY_DOMAIN_CONCURRENCY: '0', QUARRY_CONCURRENCY: '2',
      // A killed worker's jobs come back within seconds.
      QUARRY_STALLED_INTERVAL_MS: '1000', QUARRY_LOCK_DURATION_MS: '2000',
    },
  });
}, 90_000);
afterAll(async () => t?.close());

describe('tasks on a fleet', () => {
  it('ctx.fetch obeys the per-domain rate across 2 worker processes', async () => {
    t.site.clearLog();
    const ids = await Promise.all(Array.from({ length: 4 }, (_, task) => t.addTask('fetch-many', {
      urls: Array.from({ length: 6 }, (_, i) => t.site.url('127.0.0.3', `/page/${task * 10 + i}`)),
    }, { attempts: 1 })));
    for (const id of ids) expect(await t.waitForState(id, ['completed', 'failed'], 60_000)).toBe('completed');
    const pages = t.site.log.filter((entry) => entry.host === '127.0.0.3' && entry.path.startsWith('/page/'));
    expect(pages).toHaveLength(24);
    // 5 ms for the site's own clock and event loop (as the politeness suites allow).
    expect(windowViolations(pages.map((entry) => entry.at), RATE, 5)).toEqual([]);
    // Both processes took tasks (concurrency 2 each, 4 tasks): the limit held for the fleet, not per process.
    const pids = await Promise.all(ids.map(async (id) => ((await t.result(id))!.value as { pid: number }).pid));
    expect(new Set(pids).size).toBe(2);
  });

  it('a fan-out survives a SIGKILL of the worker running its children', async () => {
    t.site.clearLog();
    const slow = t.site.url('127.0.0.2', '/slow?ms=1500&case=fan');
    const parent = await t.addTask('fan-out', { count: 3, slowUrl: slow });
    await t.waitForState(parent, ['waiting-children'], 30_000);
    await waitFor(() => t.site.log.some((entry) => entry.path.startsWith('/slow?ms=1500&case=fan')), { timeoutMs: 20_000, description: 'a child to start fetching' });
    // Kill every worker that is running a child right now; another one takes over.
    const busy = t.stack.workers.filter((worker) => worker.process.exitCode === null && worker.process.signalCode === null);
    for (const worker of busy) await worker.kill();
    t.stack.addWorker();
    expect(await t.waitForState(parent, ['completed', 'failed'], 60_000)).toBe('completed');
    // The kill interrupted at least one child mid-fetch: it was fetched again by the new worker.
    expect(t.site.log.filter((entry) => entry.path.startsWith('/slow?ms=1500&case=fan')).length).toBeGreaterThan(3);
    const result = await t.result(parent);
    expect(result?.value).toMatchObject({ count: 3, completed: 3 });
    for (const value of (result!.value as { values: { status: number }[] }).values) expect(value).toMatchObject({ status: 200 });
    // Each child's result stored once, whatever ran twice.
    const children = result!.children as string[];
    expect(new Set(children).size).toBe(3);
    for (const child of children) expect(await t.state(child)).toBe('completed');
  });
});
