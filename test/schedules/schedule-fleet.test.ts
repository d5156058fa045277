/**
 * Schedules with real processes: the edge (wrangler dev) creates them, two worker processes
 * fire them. Each slot fires exactly once (one run, one request at the site) with 2 workers,
 * after a worker SIGKILL and after a broker restart; the restart brings no burst of missed
 * slots unless `catchUp`; `overlap: "skip"` never runs two at once; a batch target and a
 * manual run make normal batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { run as runCli } from '../cli/capture-io.ts';
import { SITE_HOST, slotsOf, startScheduleStack, type ScheduleStack } from './schedule-stack.ts';

let s: ScheduleStack;

beforeAll(async () => {
  s = await startScheduleStack({ workers: 2 });
  await s.fleetReady(2);
}, 120_000);
afterAll(async () => s?.close());

const hits = (path: string) => s.site.log.filter((entry) => entry.path === path).length;
const jobTarget = (path: string) => ({ job: { url: s.site.url(SITE_HOST, path), extract: { h: 'h1' } } });

async function stop(id: string, body: Record<string, unknown>) {
  expect((await s.put(id, { ...body, enabled: false })).status).toBe(200);
}

/** Waits until every started run's job finished, then returns the view. */
async function settled(id: string) {
  return waitFor(async () => {
    const view = await s.view(id);
    return view.runs.every((run) => run.status === 'skipped' || ['completed', 'failed', 'finished'].includes(run.state)) ? view : undefined;
  }, { timeoutMs: 30_000, intervalMs: 200, description: 'every run to finish' });
}

describe('schedules across a fleet', () => {
  it('fires each slot exactly once with 2 workers', async () => {
    const path = '/page/1?sched=once';
    const body = { name: 'once', everyMs: 1000, target: jobTarget(path) };
    const id = await s.create(body);
    await waitFor(async () => (await s.view(id)).fired >= 6, { timeoutMs: 20_000, intervalMs: 200, description: '6 runs' });
    await stop(id, body);
    const view = await settled(id);
    const slots = slotsOf(view);
    expect(new Set(slots).size).toBe(slots.length);
    expect(new Set(view.runs.map((run) => run.runId)).size).toBe(view.runs.length);
    // Slots are consecutive multiples of the interval: none fired twice, none lost while workers ran.
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(1000);
    expect(view.runs.every((run) => run.state === 'completed')).toBe(true);
    expect(hits(path)).toBe(view.fired);
    // Both workers took fire jobs (BullMQ hands them to whichever is free).
    const fireJobs = await s.broker.zrange(`${s.prefix}:schedule-runs:completed`, 0, -1);
    expect(fireJobs.filter((jobId) => jobId.includes(id))).toHaveLength(view.fired);
  });

  it('keeps firing each slot once across a worker SIGKILL and a broker restart, with no burst unless catchUp', async () => {
    const plainPath = '/page/2?sched=plain';
    const catchUpPath = '/page/2?sched=catchup';
    const plainBody = { name: 'plain', everyMs: 1000, target: jobTarget(plainPath) };
    const catchUpBody = { name: 'catch-up', everyMs: 1000, catchUp: true, target: jobTarget(catchUpPath) };
    const plain = await s.create(plainBody);
    const catchUp = await s.create(catchUpBody);
    await waitFor(async () => (await s.view(plain)).fired >= 3, { timeoutMs: 20_000, intervalMs: 200, description: '3 runs' });

    await s.stack.workers[0]!.kill();
    const afterKill = (await s.view(plain)).fired;
    await waitFor(async () => (await s.view(plain)).fired >= afterKill + 4, { timeoutMs: 30_000, intervalMs: 200, description: 'runs to go on after the SIGKILL' });

    // A broker outage of 4 s (a held-down broker, not a synchronization wait).
    await s.stack.brokerRedis.stop();
    const downAt = Date.now();
    await waitFor(() => Date.now() - downAt >= 4000, { timeoutMs: 10_000, intervalMs: 100, description: 'the outage' });
    await s.stack.brokerRedis.start();
    const upAt = Date.now();
    await waitFor(async () => slotsOf(await s.view(plain)).filter((t) => t > upAt).length >= 3, { timeoutMs: 30_000, intervalMs: 200, description: '3 slots after the restart' });
    await stop(plain, plainBody);
    await stop(catchUp, catchUpBody);

    const view = await settled(plain);
    const slots = slotsOf(view);
    expect(new Set(slots).size).toBe(slots.length);
    expect(hits(plainPath)).toBe(view.fired);
    // No burst: the slots the outage covered did not fire; after it, slots stay one interval apart.
    const inOutage = slots.filter((t) => t > downAt + 1000 && t < upAt - 1000);
    expect(inOutage).toEqual([]);
    const after = slots.filter((t) => t >= upAt - 1000);
    for (let i = 1; i < after.length; i++) expect(after[i]! - after[i - 1]!).toBe(1000);
    const firedSoonAfter = view.runs.filter((run) => !run.manual && Date.parse(run.firedAt) >= upAt && Date.parse(run.firedAt) < upAt + 900);
    expect(firedSoonAfter.length).toBeLessThanOrEqual(2);

    // catchUp: the missed slots fired once each after the restart.
    const caught = await settled(catchUp);
    const caughtSlots = slotsOf(caught);
    expect(new Set(caughtSlots).size).toBe(caughtSlots.length);
    expect(caughtSlots.filter((t) => t > downAt + 1000 && t < upAt - 1000).length).toBeGreaterThanOrEqual(2);
    expect(hits(catchUpPath)).toBe(caught.fired);
    s.stack.addWorker();
    await s.fleetReady(2);
  });

  it('overlap "skip" never runs two at once; "allow" does', async () => {
    const skipPath = '/slow?ms=2500&sched=skip';
    const allowPath = '/slow?ms=2500&sched=allow';
    const skipBody = { name: 'skip', everyMs: 500, target: jobTarget(skipPath) };
    const allowBody = { name: 'allow', everyMs: 500, overlap: 'allow', target: jobTarget(allowPath) };
    const skip = await s.create(skipBody);
    const allow = await s.create(allowBody);
    await waitFor(async () => (await s.view(skip)).skipped >= 6, { timeoutMs: 20_000, intervalMs: 200, description: 'skipped slots' });
    await stop(skip, skipBody);
    await stop(allow, allowBody);
    const skipped = await settled(skip);
    const started = skipped.runs.filter((run) => run.status === 'started').map((run) => Date.parse(run.firedAt)).sort((a, b) => a - b);
    expect(started.length).toBeGreaterThanOrEqual(2);
    // Each started run began after the one before had finished (the page takes 2.5 s).
    for (let i = 1; i < started.length; i++) expect(started[i]! - started[i - 1]!).toBeGreaterThanOrEqual(2500);
    const requests = s.site.log.filter((entry) => entry.path === skipPath).map((entry) => entry.at).sort((a, b) => a - b);
    for (let i = 1; i < requests.length; i++) expect(requests[i]! - requests[i - 1]!).toBeGreaterThanOrEqual(2500);
    const allowed = await settled(allow);
    expect(allowed.skipped).toBe(0);
    const overlapping = s.site.log.filter((entry) => entry.path === allowPath).map((entry) => entry.at).sort((a, b) => a - b);
    expect(overlapping.some((at, i) => i > 0 && at - overlapping[i - 1]! < 2500)).toBe(true);
  });

  it('a batch target fires as a normal batch, and run now adds one more run', async () => {
    const paths = ['/page/3?sched=batch', '/page/4?sched=batch'];
    const body = { name: 'batch', cron: '0 0 1 1 *', target: { batch: { urls: paths.map((p) => s.site.url(SITE_HOST, p)), defaults: { extract: { h: 'h1' } } } } };
    const id = await s.create(body);
    const res = await s.edge.post(`/v1/schedules/${id}/run`, {});
    expect(res.status).toBe(202);
    const run = (await res.json()) as { runId: string; statusUrl: string };
    const batch = await waitFor(async () => {
      const view = (await (await s.edge.get(`/v1/batches/${run.runId}`)).json()) as { state: string; completed: number; total: number };
      return view.state === 'finished' ? view : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200, description: 'the manual batch run to finish' });
    expect(batch).toMatchObject({ total: 2, completed: 2 });
    const view = await s.view(id);
    expect(view.runs).toEqual([expect.objectContaining({ runId: run.runId, manual: true, status: 'started', state: 'finished', kind: 'batch' })]);
    for (const path of paths) expect(hits(path)).toBe(1);
  });

  it('a crawl target fires as a normal crawl', async () => {
    const id = await s.create({
      name: 'crawl', cron: '0 0 1 1 *',
      target: { crawl: { url: s.site.url(SITE_HOST, '/page/6?sched=crawl'), limit: 3, maxDepth: 1, sitemap: 'skip', scrape: { extract: { h: 'h1' } } } },
    });
    const res = await s.edge.post(`/v1/schedules/${id}/run`, {});
    const run = (await res.json()) as { runId: string; kind: string; statusUrl: string };
    expect(run).toMatchObject({ kind: 'crawl', statusUrl: expect.stringContaining(`/v1/crawls/${run.runId}`) });
    const crawl = await waitFor(async () => {
      const view = (await (await s.edge.get(`/v1/crawls/${run.runId}`)).json()) as { status: string; completed: number };
      return view.status === 'completed' ? view : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, description: 'the crawl run to complete' });
    expect(crawl.completed).toBe(3);
    expect((await s.view(id)).runs).toEqual([expect.objectContaining({ runId: run.runId, kind: 'crawl', state: 'completed' })]);
  });

  it('quarry schedule add, ls, run and rm drive the same routes', async () => {
    const env = s.cliEnv;
    const url = s.site.url(SITE_HOST, '/page/5?sched=cli');
    const added = await runCli(['schedule', 'add', url, '--cron', '0 6 * * 1', '--tz', 'Europe/Berlin', '--name', 'weekly', '--extract', 'h=h1'], { env });
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const id = /^schedule (\S+): next run \S+Z\n$/.exec(added.stdout)?.[1];
    expect(id, added.stdout).toBeDefined();
    const listed = await runCli(['schedule', 'ls', '--json'], { env });
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ id, name: 'weekly', cron: '0 6 * * 1', timezone: 'Europe/Berlin', kind: 'job' }));
    const ran = await runCli(['schedule', 'run', id!, '--json'], { env });
    const queued = JSON.parse(ran.stdout) as { runId: string };
    expect((await s.edge.waitForJob(queued.runId)).status).toBe('completed');
    expect(await runCli(['schedule', 'rm', id!], { env })).toMatchObject({ code: 0, stdout: `schedule ${id}: deleted\n` });
    expect(await runCli(['schedule', 'rm', id!], { env })).toMatchObject({ code: 2 });
    expect(await runCli(['schedule', 'add', url], { env })).toMatchObject({ code: 2, stderr: expect.stringContaining('exactly one of --every or --cron') });
  });
});
