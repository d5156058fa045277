/**
 * @module test/politeness/redirect-politeness
 * A redirect hop (and a browser's later main-frame navigation) to another site passes that
 * site's robots.txt and its fleet-wide limits, not only the SSRF check. Two loopback sites:
 * 127.0.0.2 redirects to 127.0.0.3, whose robots.txt disallows /private and whose limit is
 * 1 request per second; judged from 127.0.0.3's own request log. Real in-process worker,
 * redis-servers and Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { domainKey } from '../../shared/domain-key.ts';
import { createDomainLimiter } from '../../worker/src/politeness/index.ts';
import type { QuarryWorker } from '../../worker/src/quarry-worker.ts';
import { HOST_A, HOST_B, startHarness, type Harness } from '../worker/harness.ts';
import { windowViolations } from './window-check.ts';

let h: Harness;
let broker: Redis;
let worker: QuarryWorker;
const ONE_PER_SECOND = { max: 1, perMs: 1000 };
/**
 * Grant-to-arrival lag the site may see: the limiter's margin (5 % + 20 ms grace) in HTTP mode,
 * as in quarry-fleet.test.ts; more in browser mode (Chromium, then the in-process guarded proxy:
 * up to ~120 ms measured). A redirect outside the target's limits arrives with the burst (ms apart).
 */
const LAG_MS = { http: 70, browser: 200 };

beforeAll(async () => {
  h = await startHarness();
  broker = new Redis(h.broker.url);
  h.site.setRobots(HOST_B, 'User-agent: *\nDisallow: /private\n');
  await createDomainLimiter({ redis: broker, prefix: h.prefix }).setLimits(domainKey(h.site.origin(HOST_B)), { rates: [ONE_PER_SECOND] });
  // 127.0.0.2 is unlimited; only the redirect target has limits (an override) and robots rules.
  worker = await h.startWorker({ respectRobots: true, domainRates: '', domainConcurrency: 0, concurrency: 6 });
}, 60_000);
afterAll(async () => {
  broker?.disconnect();
  await h?.close();
});

/** A URL on 127.0.0.2 that redirects to `path` on 127.0.0.3. */
const viaA = (path: string) => h.site.url(HOST_A, `/redirect?to=${encodeURIComponent(h.site.url(HOST_B, path))}`);
const targetLog = (prefix: string) => h.site.log.filter((entry) => entry.host === HOST_B && entry.path.startsWith(prefix));

describe.each(['http', 'browser'] as const)('redirects obey the target site (%s mode)', (mode) => {
  it('never requests a path the target\'s robots.txt disallows, and fails the job for good saying so', async () => {
    const jobs = await Promise.all([
      h.add({ url: viaA(`/private/${mode}`), mode, attempts: 3 }),
      // A same-site redirect is checked too.
      h.add({ url: h.site.url(HOST_B, `/redirect?to=/private/${mode}-same`), mode, attempts: 3 }),
    ]);
    for (const job of jobs) {
      const done = await h.settled(job, ['completed', 'failed'], 30_000);
      expect(await done.getState()).toBe('failed');
      expect(done.attemptsMade).toBe(1);
      expect(done.failedReason).toMatch(new RegExp(`robots\\.txt disallows http://127\\.0\\.0\\.3:\\d+/private/${mode}`));
    }
    expect(targetLog('/private')).toEqual([]);
  });

  it('keeps the target\'s rate limit: jobs whose hop is throttled wait for its slot (no burst at the target)', async () => {
    h.site.clearLog();
    const jobs = await Promise.all(Array.from({ length: 5 }, (_, i) => h.add({ url: viaA(`/page/${i}?rate=${mode}`), mode, attempts: 1 })));
    for (const job of jobs) {
      const done = await h.settled(job, ['completed', 'failed'], 40_000);
      expect(await done.getState(), done.failedReason).toBe('completed');
    }
    const arrivals = targetLog('/page/').map((entry) => entry.at);
    expect(arrivals).toHaveLength(5);
    expect(windowViolations(arrivals, ONE_PER_SECOND, LAG_MS[mode])).toEqual([]);
    if (mode === 'http') {
      // Five hops at once, 1/s: the slots more than 2 s away deferred their whole job (its one
      // attempt unspent), which asked 127.0.0.2 again in time for its slot.
      const redirects = h.site.log.filter((entry) => entry.host === HOST_A && entry.path.includes(encodeURIComponent(`rate=${mode}`)));
      expect(redirects.length).toBeGreaterThan(5);
    }
  });
});

describe('worker under test', () => {
  it('served every job above from one worker', () => {
    expect(worker.isReady()).toBe(true);
  });
});
