/**
 * @module test/soak/bounded-retention
 * The broker stays bounded with a real redis-server: the worker sets the events stream's cap at
 * start (over the 10000 any `new Queue()` writes), the stream stays near it after many jobs, and
 * completed jobs are trimmed by count and by age.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { queueKeys } from '../../shared/keys.ts';
import { HOST_A, HOST_B, jobData, jobOptions, startHarness, type Harness } from '../worker/harness.ts';

const MAX_EVENTS = 200;
const KEEP_COMPLETED = 50;
const JOBS = 1500;

let h: Harness;
let client: Redis;

beforeAll(async () => {
  h = await startHarness();
  client = new Redis(h.broker.url);
}, 30_000);
afterAll(async () => {
  client?.disconnect();
  await h?.close();
});

/** Job hashes of the queue (`<prefix>:scrape:<id>`, no further colon), by SCAN. */
async function jobHashes(): Promise<number> {
  const base = queueKeys(h.prefix).base;
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 1000);
    cursor = next;
    count += keys.filter((key) => /^\d+$/.test(key.slice(base.length))).length;
  } while (cursor !== '0');
  return count;
}

async function drained(expectedCompleted: number): Promise<void> {
  await waitFor(async () => {
    const counts = await h.queue.getJobCounts('waiting', 'active', 'delayed');
    return (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0 && (await h.resultClient.dbsize()) >= expectedCompleted;
  }, { timeoutMs: 120_000, intervalMs: 200, description: `${expectedCompleted} results and an empty queue` });
}

describe('bounded broker memory', () => {
  it('caps the events stream and trims completed jobs by count', async () => {
    const keys = queueKeys(h.prefix);
    // The harness's Queue wrote BullMQ's default on construction; the worker's start overrides it.
    await waitFor(async () => (await client.hget(keys.key('meta'), 'opts.maxLenEvents')) === '10000', { description: 'the Queue to write its meta' });
    const worker = await h.startWorker({ maxEvents: MAX_EVENTS, keepCompleted: KEEP_COMPLETED, concurrency: 10 });
    expect(await client.hget(keys.key('meta'), 'opts.maxLenEvents')).toBe(String(MAX_EVENTS));

    await h.queue.addBulk(Array.from({ length: JOBS }, (_, i) => {
      const data = jobData({ url: h.site.url(i % 2 ? HOST_A : HOST_B, `/page/${i + 1}`) });
      return { name: data.request.mode, data, opts: jobOptions(data.request) };
    }));
    await drained(JOBS);

    // Trimming is `MAXLEN ~`: whole macro nodes (stream-node-max-entries, 100) go at once, and the
    // events of jobs still finishing are added after the last trim, so the cap is a bound to within that.
    const length = await client.xlen(keys.key('events'));
    expect(length).toBeGreaterThan(0);
    expect(length).toBeLessThanOrEqual(MAX_EVENTS + 100 + 10 * 4);
    expect(await client.zcard(keys.key('completed'))).toBeLessThanOrEqual(KEEP_COMPLETED);
    expect(await jobHashes()).toBeLessThanOrEqual(KEEP_COMPLETED);
    await worker.close({ timeoutMs: 5_000 });
  }, 180_000);

  it('removes completed jobs older than QUARRY_KEEP_COMPLETED_SECONDS at the next finish', async () => {
    const keys = queueKeys(h.prefix);
    const worker = await h.startWorker({ keepCompleted: 1000, keepCompletedSeconds: 1 });
    const old = await Promise.all([1, 2, 3].map((n) => h.add({ url: h.site.url(HOST_B, `/page/${n}`) })));
    await Promise.all(old.map((job) => h.settled(job, ['completed'])));
    expect(await client.zcard(keys.key('completed'))).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const probe = await h.add({ url: h.site.url(HOST_A, '/page/1') });
    await h.settled(probe, ['completed']);
    // Only the probe is young enough to stay.
    expect(await client.zrange(keys.key('completed'), 0, -1)).toEqual([probe.id]);
    await worker.close({ timeoutMs: 5_000 });
  }, 60_000);
});
