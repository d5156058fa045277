/**
 * @module test/politeness/browser-slot-order
 * Browser jobs take their domain's slot once a page is free, not before: jobs queued behind busy
 * pages must not spend their slots in the page queue and then navigate in a burst, and the page
 * wait must not count against `timeoutMs`. Real in-process worker, Chromium, redis-servers and
 * loopback site, judged from the site's request log.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { domainKey } from '../../shared/domain-key.ts';
import { createDomainLimiter } from '../../worker/src/politeness/index.ts';
import { HOST_A, HOST_B, startHarness, type Harness } from '../worker/harness.ts';
import { windowViolations } from './window-check.ts';

let h: Harness;
let broker: Redis;
const ONE_PER_SECOND = { max: 1, perMs: 1000 };
/**
 * Grant-to-arrival lag a browser request may show: Chromium, then the worker's in-process
 * guarded proxy. Measured here up to ~120 ms for a page's first request to a host while the
 * worker finished other jobs (10-20 ms otherwise); the burst this test catches is 10-75 ms apart.
 */
const BROWSER_LAG_MS = 200;

beforeAll(async () => {
  h = await startHarness();
  broker = new Redis(h.broker.url);
  await createDomainLimiter({ redis: broker, prefix: h.prefix }).setLimits(domainKey(h.site.origin(HOST_A)), { rates: [ONE_PER_SECOND] });
});
afterAll(async () => {
  broker?.disconnect();
  await h?.close();
});

/** Enqueues `count` slow browser jobs on 127.0.0.3 and waits until each holds a page. */
async function occupyPages(count: number, ms: number, tag: string) {
  const jobs = await Promise.all(Array.from({ length: count }, (_, i) => h.add({ url: h.site.url(HOST_B, `/slow?ms=${ms}&${tag}=${i}`), mode: 'browser' })));
  await waitFor(() => h.site.log.filter((entry) => entry.path.includes(`${tag}=`)).length === count, { timeoutMs: 20_000, description: 'every page busy' });
  return jobs;
}

describe('browser jobs: the domain slot after the page', () => {
  it('more browser jobs than pages to a rate-limited domain: no burst at the site when pages free up', async () => {
    const worker = await h.startWorker({ browserPages: 2, concurrency: 8, domainRates: '', domainConcurrency: 0 });
    try {
      h.site.clearLog();
      // Both pages busy on another site for 2.5 s; meanwhile five jobs for 127.0.0.2 (1 per second) queue.
      const blockers = await occupyPages(2, 2_500, 'block');
      const jobs = await Promise.all(Array.from({ length: 5 }, (_, i) => h.add({ url: h.site.url(HOST_A, `/page/${i}?burst=1`), mode: 'browser', attempts: 1 })));
      for (const job of [...blockers, ...jobs]) {
        const done = await h.settled(job, ['completed', 'failed'], 40_000);
        expect(await done.getState(), done.failedReason).toBe('completed');
      }
      const arrivals = h.site.log.filter((entry) => entry.host === HOST_A && entry.path.includes('burst=1')).map((entry) => entry.at);
      expect(arrivals).toHaveLength(5);
      // Before: the five took slots a second apart while waiting for a page, then two pages freed
      // at once and their navigations reached the site together.
      expect(windowViolations(arrivals, ONE_PER_SECOND, BROWSER_LAG_MS)).toEqual([]);
    } finally {
      await worker.close({ timeoutMs: 0 });
    }
  });

  it('a job whose wait for a page is longer than its timeoutMs still succeeds (the timeout starts with its slot)', async () => {
    const worker = await h.startWorker({ browserPages: 1, concurrency: 4, domainRates: '', domainConcurrency: 0 });
    try {
      h.site.clearLog();
      const [blocker] = await occupyPages(1, 2_500, 'hold');
      const job = await h.add({ url: h.site.url(HOST_A, '/page/9?late=1'), mode: 'browser', timeoutMs: 1_000, attempts: 1 });
      const done = await h.settled(job, ['completed', 'failed'], 30_000);
      expect(await done.getState(), done.failedReason).toBe('completed');
      await h.settled(blocker!, ['completed']);
      const blockerAt = h.site.log.find((entry) => entry.path.includes('hold='))!.at;
      const jobAt = h.site.log.find((entry) => entry.path.includes('late=1'))!.at;
      expect(jobAt - blockerAt).toBeGreaterThan(2_000); // it did wait longer than its timeout for the page
    } finally {
      await worker.close({ timeoutMs: 0 });
    }
  });
});
