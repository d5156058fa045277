/**
 * quarry_queue_jobs: a queue built with jobs in known states shows those depths on a worker's
 * /metrics, read at scrape time through a short cache; and the worker's Redis command counter moves
 * for each of its connections.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { QueueDepthTimeoutError, queueDepthReader, type JobCountSource } from '../../worker/src/metrics/queue-depth.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => h?.close());

/** `name{label="value"} n` lines of one metric, as a map from the label value to the number. */
function series(text: string, name: string, label: string): Map<string, number> {
  const pattern = new RegExp(`^${name}\\{${label}="([^"]+)"\\} (\\S+)$`, 'gm');
  return new Map([...text.matchAll(pattern)].map((match) => [match[1]!, Number(match[2])]));
}

describe('quarry_queue_jobs', () => {
  it('reports the depth of each state of the scrape queue', async () => {
    // A bare BullMQ worker moves three jobs by hand: one completed, one failed, one left active.
    const hand = new Worker(QUEUE_NAME, null, { connection: { host: '127.0.0.1', port: h.broker.port }, prefix: h.prefix, autorun: false });
    const token = randomUUID();
    const url = h.site.url(HOST_A, '/page/1');
    for (let i = 0; i < 3; i++) await h.add({ url, attempts: 1 }); // one attempt: the failure is final
    const [done, broken] = [await hand.getNextJob(token), await hand.getNextJob(token)];
    await hand.getNextJob(token); // stays active
    await done!.moveToCompleted('ok', token, false);
    await broken!.moveToFailed(new Error('constructed failure'), token, false);
    await h.add({ url });
    await h.add({ url });
    await h.add({ url }, { priority: 5 });
    await h.add({ url }, { delay: 60_000 });
    await h.add({ url }, { delay: 60_000 });

    const healthPort = await freePort();
    // autorun off: the Quarry worker only serves /metrics and takes none of the jobs above.
    const worker = await h.startWorker({ healthPort, healthHost: '127.0.0.1' }, { autorun: false });
    const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(Object.fromEntries(series(text, 'quarry_queue_jobs', 'state'))).toEqual({
      waiting: 2, prioritized: 1, delayed: 2, active: 1, completed: 1, failed: 1, 'waiting-children': 0,
    });
    await worker.close({ timeoutMs: 0 });
    await hand.close(true);
  });
});

describe('queue depth reader', () => {
  it('serves one reading for a few seconds, shares concurrent reads, and does not cache failures', async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    const source: JobCountSource = {
      async getJobCounts(...types) {
        calls += 1;
        if (fail) throw new Error('broker down');
        return Object.fromEntries(types.map((type) => [type, calls]));
      },
    };
    const read = queueDepthReader(source, { maxAgeMs: 5_000, now: () => clock });
    const [a, b] = await Promise.all([read(), read()]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
    expect(a.waiting).toBe(1);
    clock = 4_999;
    expect((await read()).waiting).toBe(1);
    clock = 5_000;
    fail = true;
    await expect(read()).rejects.toThrow('broker down');
    fail = false;
    expect((await read()).waiting).toBe(3);
  });

  it('gives up on a read that hangs (a broker outage) instead of holding the scrape', async () => {
    const read = queueDepthReader({ getJobCounts: () => new Promise(() => undefined) }, { timeoutMs: 20 });
    await expect(read()).rejects.toThrow(QueueDepthTimeoutError);
  });
});

describe('quarry_redis_commands_total', () => {
  it('moves for the broker, blocking and results connections of a working worker', async () => {
    const healthPort = await freePort();
    await h.startWorker({ healthPort, healthHost: '127.0.0.1' });
    const scrape = async () => series(await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text(), 'quarry_redis_commands_total', 'connection');
    const before = await scrape();
    const job = await h.add({ url: h.site.url(HOST_A, '/page/2') });
    await h.settled(job, ['completed']);
    const after = await waitFor(async () => {
      const now = await scrape();
      return (now.get('results') ?? 0) > (before.get('results') ?? 0) ? now : undefined;
    }, { description: 'the results connection to count the stored result' });
    expect(after.get('broker')).toBeGreaterThan(before.get('broker') ?? 0);
    expect(after.get('blocking')).toBeGreaterThan(0);
    expect(after.get('results')).toBeGreaterThan(before.get('results') ?? 0);
  });
});
