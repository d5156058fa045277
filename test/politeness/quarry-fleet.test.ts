/**
 * Fleet-wide politeness with the real thing: two Quarry worker processes (10 slots each),
 * three local sites at 2/s, 5/s and 20/s + concurrency 2, a few hundred jobs enqueued
 * at once. Judged from the sites' own request logs.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { domainKey } from '../../shared/domain-key.ts';
import { domainKeys } from '../../shared/domain-keys.ts';
import { sustainedRatePerSecond, type RateWindow } from '../../shared/domain-limits.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { createDomainLimiter } from '../../worker/src/politeness/index.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';
import { utilization, windowViolations } from './window-check.ts';

interface Site { host: string; rates: RateWindow[]; concurrency: number; jobs: number }
const SITES: Site[] = [
  { host: '127.0.0.2', rates: [{ max: 2, perMs: 1000 }], concurrency: 0, jobs: 14 },
  { host: '127.0.0.3', rates: [{ max: 5, perMs: 1000 }, { max: 60, perMs: 60_000 }], concurrency: 0, jobs: 35 },
  { host: '127.0.0.4', rates: [{ max: 20, perMs: 1000 }], concurrency: 2, jobs: 140 },
];
/**
 * Grants are exact on Redis's clock (asserted exactly in fleet-precision.test.ts); what the site
 * sees also carries each request's grant-to-arrival lag. The worker's limiter absorbs lag up to
 * its safety margin (5 % of the window) plus the claim grace (20 ms). With real workers on a
 * loaded 2-core machine a request occasionally arrives later than that (seen: 3 requests in
 * 989 ms at 2/s), so arrivals are judged against that stated budget, not against 5 ms of skew.
 */
const lagBudgetMs = (window: RateWindow) => Math.round(window.perMs * 0.05) + 20;
/** Harness event-loop p99 above this: the machine was too busy for utilization to mean anything. */
const STARVED_LOOP_MS = 40;

let w: WorkerStack;

beforeAll(async () => {
  w = await startWorkerStack({
    name: 'fleet', hosts: SITES.map((s) => s.host), workers: 0,
    workerEnv: {
      QUARRY_CONCURRENCY: '10', QUARRY_RESPECT_ROBOTS: 'false',
      ...(process.env.FLEET_WAIT_MS ? { QUARRY_POLITENESS_WAIT_MS: process.env.FLEET_WAIT_MS } : {}),
    },
  });
  const limiter = createDomainLimiter({ redis: w.broker, prefix: w.prefix });
  for (const s of SITES) await limiter.setLimits(domainKey(w.site.origin(s.host)), s.concurrency > 0 ? { rates: s.rates, concurrency: s.concurrency } : { rates: s.rates });
}, 60_000);

afterAll(async () => {
  await w?.close();
});

describe('fleet-wide politeness, real workers', () => {
  it('never exceeds any window of any domain and uses ≥ 85% of each allowed rate', async () => {
    const { site, stack, broker, results, prefix, queue } = w;
    const jobs = SITES.flatMap((s) => Array.from({ length: s.jobs }, (_, i) => {
      const request = jobRequestSchema.parse({ url: site.url(s.host, `/page/${i}?fleet=1`), extract: { h: 'h1' } });
      return { name: 'http', data: { request, acceptedAt: Date.now() }, opts: { jobId: `${s.host}-${i}`, attempts: 3 } };
    }));
    // Interleave so no domain is simply first in line.
    jobs.sort((a, b) => Number(a.opts.jobId.split('-')[1]) - Number(b.opts.jobId.split('-')[1]));
    // The harness's own event-loop delay says whether the machine was starved during the run.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    await queue.addBulk(jobs);
    stack.addWorker();
    stack.addWorker();
    await waitFor(async () => (await results.keys(`${prefix}:result:*`)).length === jobs.length, { timeoutMs: 60_000, intervalMs: 250, description: 'every job to finish' });
    loop.disable();
    const loopP99 = loop.percentile(99) / 1e6;
    const starved = loopP99 > STARVED_LOOP_MS;
    if (starved) console.warn(`fleet test: machine starved (harness event-loop p99 ${loopP99.toFixed(1)} ms): utilization not judged`);

    for (const s of SITES) {
      const times = site.log.filter((e) => e.host === s.host && e.path.includes('fleet=1')).map((e) => e.at);
      expect(times, s.host).toHaveLength(s.jobs);
      for (const window of s.rates) {
        expect(windowViolations(times, window, lagBudgetMs(window)), `${s.host} ${window.max}/${window.perMs}`).toEqual([]);
      }
      // Over a few seconds of backlog the 1-second window is the binding one.
      const use = utilization(times, sustainedRatePerSecond([s.rates[0]!]));
      if (process.env.DEBUG_FLEET) {
        const sorted = [...times].sort((a, b) => a - b);
        const starts = await Promise.all(Array.from({ length: s.jobs }, async (_, i) => Number(await broker.hget(`${prefix}:scrape:${s.host}-${i}`, 'ats'))));
        console.log(s.host, 'holdMs', await broker.hget(domainKeys(prefix, domainKey(site.origin(s.host))).state, 'holdMs'), use.toFixed(2), sorted.map((t, i) => (i ? Math.round(t - sorted[i - 1]!) : 0)).join(' '), 'ats', starts.join(' '));
      }
      // The 85 %. The concurrency-capped domain claims its lease only at its slot
      // (docs/politeness.md, 6): 97–99 % measured on a quiet machine (5 runs), 49 % once at
      // load 12, where late wake-ups lose slots — hence no judgement on a starved machine.
      if (!starved) expect.soft(use, `${s.host} utilization`).toBeGreaterThanOrEqual(0.85);
    }
    expect(await results.exists(resultKey(prefix, '127.0.0.2-0'))).toBe(1);
  });
});
