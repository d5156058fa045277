/**
 * @module test/worker/worker-lifecycle
 * Closing with a deadline (finish in time, or hand jobs back to waiting), surviving a broker
 * restart, and the health endpoint that reports it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { resultKey } from '../../shared/keys.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const whenActive = (jobId: string) =>
  waitFor(async () => (await h.queue.getJobState(jobId)) === 'active', { description: `job ${jobId} active` });

describe('worker close', () => {
  it('lets an active job finish when it ends before the deadline', async () => {
    const worker = await h.startWorker();
    const job = await h.add({ url: h.site.url(HOST_A, '/slow?ms=400') });
    await whenActive(job.id!);
    const report = await worker.close({ timeoutMs: 5_000 });
    expect(report.handedBack).toEqual([]);
    expect(await h.queue.getJobState(job.id!)).toBe('completed');
    expect(await h.resultClient.exists(resultKey(h.prefix, job.id!))).toBe(1);
  });

  it('hands jobs that outlive the deadline back to waiting, attempts unspent (http and browser)', async () => {
    const worker = await h.startWorker();
    h.site.clearLog();
    const url = h.site.url(HOST_A, '/slow?ms=20000');
    const jobs = await Promise.all([h.add({ url, timeoutMs: 30_000 }), h.add({ url, mode: 'browser', timeoutMs: 30_000 })]);
    await Promise.all(jobs.map((job) => whenActive(job.id!)));
    await waitFor(() => h.site.log.filter((entry) => entry.path.startsWith('/slow')).length >= 2, { description: 'both fetches under way' });
    const started = Date.now();
    const report = await worker.close({ timeoutMs: 200 });
    // Well under the 3 s grace: the processors moved their own jobs, the fallback was not needed.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report.handedBack.sort()).toEqual(jobs.map((job) => job.id).sort());
    for (const job of jobs) {
      expect(await h.queue.getJobState(job.id!)).toBe('waiting');
      expect((await h.queue.getJob(job.id!))!.attemptsMade).toBe(0);
      await h.queue.remove(job.id!);
    }
  });
});

describe('broker restart', () => {
  it('reconnects by itself, and /readyz follows the connection', async () => {
    const healthPort = await freePort();
    const worker = await h.startWorker({ healthPort, healthHost: '127.0.0.1' });
    const probe = async (path: string) => (await fetch(`http://127.0.0.1:${healthPort}${path}`)).status;
    expect([await probe('/healthz'), await probe('/readyz')]).toEqual([200, 200]);

    await h.broker.stop();
    await waitFor(async () => (await probe('/readyz')) === 503, { description: '/readyz to report the outage' });
    expect(await probe('/healthz')).toBe(200);
    await h.broker.start();
    await waitFor(async () => (await probe('/readyz')) === 200, { timeoutMs: 15_000, description: 'the worker to reconnect' });

    const job = await h.add({ url: h.site.url(HOST_A, '/page/5') });
    await h.settled(job, ['completed']);
    await worker.close({ timeoutMs: 1_000 });
  });
});
