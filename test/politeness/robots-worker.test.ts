/**
 * @module test/politeness/robots-worker
 * robots.txt through a real in-process worker (broker and result-store redis-servers, loopback
 * site): where the fleet's copy lives, and what an unreachable robots.txt does to a job.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { HOST_A, HOST_B, startHarness, type Harness } from '../worker/harness.ts';

let h: Harness;
let broker: Redis;
beforeAll(async () => {
  h = await startHarness();
  broker = new Redis(h.broker.url);
});
afterAll(async () => {
  broker?.disconnect();
  await h?.close();
});

describe('robots.txt in the worker', () => {
  it('keeps the fleet\'s robots.txt copy in the result store (evictable), never in the broker', async () => {
    h.site.setRobots(HOST_A, 'User-agent: *\nDisallow: /private\n');
    const worker = await h.startWorker({ respectRobots: true });
    try {
      const job = await h.add({ url: h.site.url(HOST_A, '/page/1') });
      expect(await (await h.settled(job)).getState()).toBe('completed');
      expect(await broker.keys(`${h.prefix}:robots:*`)).toEqual([]);
      const key = `${h.prefix}:robots:${h.site.origin(HOST_A)}`;
      expect(await h.resultClient.hgetall(key)).toMatchObject({ outcome: 'parsed', rules: 'User-agent: *\nDisallow: /private' });
      expect(await h.resultClient.pttl(key)).toBeGreaterThan(24 * 3_600_000);
    } finally {
      await worker.close({ timeoutMs: 0 });
    }
  });

  it('an unreachable robots.txt defers the job without spending an attempt, and fails it with the reason after QUARRY_ROBOTS_UNREACHABLE_MAX_MS', async () => {
    h.site.setRobots(HOST_B, 'down', 503);
    h.site.clearLog();
    const worker = await h.startWorker({ respectRobots: true, robotsUnreachableMaxMs: 2_500 });
    try {
      const job = await h.add({ url: h.site.url(HOST_B, '/page/1'), attempts: 1 });
      await waitFor(() => h.site.log.some((entry) => entry.host === HOST_B && entry.path === '/robots.txt'), { description: 'the robots.txt fetch' });
      const seenAt = h.site.log.find((entry) => entry.path === '/robots.txt')!.at;
      // Waiting in the delayed set, its one attempt unspent (before: failed at once, attempt spent).
      const waiting = await waitFor(async () => {
        const state = await h.queue.getJobState(job.id!);
        return state === 'delayed' || state === 'failed' ? state : undefined;
      }, { description: 'the job to leave active' });
      expect(waiting).toBe('delayed');
      expect((await h.queue.getJob(job.id!))!.attemptsMade).toBe(0);

      const done = await h.settled(job, ['completed', 'failed'], 15_000);
      expect(await done.getState()).toBe('failed');
      expect(done.failedReason).toMatch(/robots\.txt for http:\/\/127\.0\.0\.3:\d+ has been unreachable since .*QUARRY_ROBOTS_UNREACHABLE_MAX_MS=2500/);
      expect(done.finishedOn! - seenAt).toBeGreaterThanOrEqual(2_500);
      expect(h.site.log.filter((entry) => entry.host === HOST_B).map((entry) => entry.path)).toEqual(['/robots.txt']);
    } finally {
      await worker.close({ timeoutMs: 0 });
    }
  });
});
