/**
 * Crashes with real processes: a worker killed with SIGKILL mid-job, and Chromium killed
 * mid-job. Nothing is lost and nothing runs to completion twice (result store + site log).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendants, SITE_HOST, startFaultStack, waitFor, type FaultStack } from './fault-stack.ts';

let f: FaultStack;

beforeAll(async () => {
  f = await startFaultStack({ workers: 0 });
}, 60_000);
afterAll(async () => f?.close());

describe('crash recovery', () => {
  it('a job whose worker is killed with SIGKILL mid-fetch is recovered and completes once', async () => {
    const victim = f.stack.addWorker();
    const path = '/slow?ms=1500&case=kill9';
    await f.add('kill9-job', { url: f.site.url(SITE_HOST, path) });
    await waitFor(() => f.hits(path) === 1, { timeoutMs: 20_000, description: 'the victim to start fetching' });
    await victim.kill();
    expect(await f.state('kill9-job')).toBe('active'); // locked by a dead worker

    f.stack.addWorker();
    await waitFor(async () => (await f.state('kill9-job')) === 'completed', { timeoutMs: 30_000, description: 'stalled-job recovery' });
    const result = await f.result('kill9-job');
    expect(result).toMatchObject({ httpStatus: 200 });
    // One fetch by the dead worker, exactly one by the survivor.
    expect(f.hits(path)).toBe(2);
    const job = await f.queue.getJob('kill9-job');
    expect(job!.stalledCounter).toBe(1);
  });

  it('kills Chromium mid-render: the worker relaunches it, retries the job and keeps serving', async () => {
    const worker = f.stack.workers.at(-1)!;
    const path = '/slow?ms=1500&case=chromium';
    await f.add('chromium-job', { url: f.site.url(SITE_HOST, path), mode: 'browser', attempts: 3 });
    await waitFor(() => f.hits(path) === 1, { timeoutMs: 30_000, description: 'Chromium to request the page' });
    const browsers = descendants(worker.pid).filter((pid) => {
      try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom'); } catch { return false; }
    });
    expect(browsers.length).toBeGreaterThan(0);
    for (const pid of browsers) process.kill(pid, 'SIGKILL');

    await waitFor(async () => (await f.state('chromium-job')) === 'completed', { timeoutMs: 40_000, description: 'the retried browser job' });
    expect(await f.result('chromium-job')).toMatchObject({ httpStatus: 200, attempt: 2 });
    expect(f.hits(path)).toBe(2);

    await f.add('after-crash', { url: f.site.url(SITE_HOST, '/js/5'), mode: 'browser' });
    await waitFor(async () => (await f.state('after-crash')) === 'completed', { timeoutMs: 30_000, description: 'the next browser job' });
    expect(worker.process.exitCode).toBeNull();
  });
});
