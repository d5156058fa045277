/**
 * @module bench/suites/politeness
 * Fleet-wide politeness: two worker processes per system scrape three loopback domains with
 * different limits, and the site's own request log judges each run — Quarry's fleet-wide
 * limiter against BullMQ's queue-wide limiter, per-process per-domain limiters and Celery's
 * rate_limit, plus Quarry unthrottled for the Redis cost of the limiter.
 */
import { availableParallelism, loadavg } from 'node:os';
import { runInterleaved } from '../../core/repeat.ts';
import type { ColumnSpec, Suite, SuiteContext, SuiteOutput } from '../../core/suite.ts';
import { ensureBenchPackages } from '../../setup/system-packages.ts';
import { startTestSite } from '../../../test/support/test-site.ts';
import { measureJobSystem } from '../jobs/measure-job-system.ts';
import { judgeSiteLog, TOLERANCE_MS, utilKey } from './judge.ts';
import { celeryRateLimitSystem } from './systems/celery-rate-limit.ts';
import { limitedBullmqSystem } from './systems/limited-bullmq.ts';
import { quarryFleetSystem } from './systems/quarry-fleet.ts';
import { backlogSeconds, CONCURRENCY, DOMAINS, jobsFor, politeUrls, PROCESSES, RESPONSE_MS, TOTAL_RATE } from './workload.ts';

const capped = DOMAINS.find((domain) => domain.concurrency > 0)!;
const describe = (domain: (typeof DOMAINS)[number]) => `${domain.host} ${domain.rate.max}/${domain.rate.perMs / 1000}s${domain.concurrency > 0 ? ` + ${domain.concurrency} in flight` : ''}`;

const COLUMNS: ColumnSpec[] = [
  { key: 'violations', label: 'violations', better: 'lower', digits: 0, ratio: false },
  { key: 'worstOverload', label: 'worst window ÷ limit', better: 'lower', digits: 2, ratio: false },
  { key: 'minUtilization', label: 'min util %', better: 'none', digits: 0, ratio: false },
  ...DOMAINS.map((domain): ColumnSpec => ({ key: utilKey(domain.host), label: `util % ${domain.host.slice(domain.host.lastIndexOf('.'))}`, better: 'none', digits: 0, ratio: false })),
  { key: 'maxInFlightCapped', label: `in flight ${capped.host.slice(capped.host.lastIndexOf('.'))} (cap ${capped.concurrency})`, better: 'lower', digits: 0, ratio: false },
  { key: 'jobsPerSecond', label: 'jobs/s', better: 'none', digits: 1 },
  { key: 'brokerCommandsPerJob', label: 'broker cmds/job', better: 'lower', digits: 1 },
  { key: 'durationSeconds', label: 'duration s', better: 'none', digits: 1 },
  // Every figure above degrades on a starved machine; the load says how starved it was.
  { key: 'loadAverage', label: 'load 1m', better: 'none', digits: 1, ratio: false },
];

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  ensureBenchPackages({ celery: true }, ctx.log);
  // In this process, so the judge reads the arrival log directly (a few dozen requests a second).
  const site = await startTestSite({ hosts: DOMAINS.map((domain) => domain.host) });
  const stopSite = ctx.cleanup.add('politeness test site', () => site.close());
  try {
    const urls = politeUrls((host) => site.origin(host), ctx.quick);
    const env = {
      root: ctx.root, kind: 'page' as const, cleanup: ctx.cleanup, verbose: ctx.verbose, log: ctx.log,
      site: { port: site.port, hosts: site.hosts, pid: process.pid, url: site.url, stop: stopSite },
    };
    const systems = [
      quarryFleetSystem(true, site.origin),
      quarryFleetSystem(false, site.origin),
      limitedBullmqSystem('global'),
      limitedBullmqSystem('local-split'),
      limitedBullmqSystem('local-full'),
      celeryRateLimitSystem(),
    ];
    const rows = await runInterleaved(ctx, systems.map((system) => ({
      id: system.id,
      label: system.label,
      async measure() {
        site.clearLog();
        const measured = await measureJobSystem(system, env, { urls, stallTimeoutMs: 30_000 });
        const judged = judgeSiteLog(site.log, ctx.quick);
        const jobsPerSecond = measured.figures.jobsPerSecond ?? null;
        return {
          figures: {
            ...judged.figures,
            jobsPerSecond,
            brokerCommandsPerJob: measured.figures.brokerCommandsPerJob ?? null,
            durationSeconds: jobsPerSecond ? urls.length / jobsPerSecond : null,
            cpuSeconds: measured.figures.cpuSeconds ?? null,
            enqueueSpanSeconds: measured.figures.enqueueSpanSeconds ?? null,
            loadAverage: loadavg()[0]!,
          },
          details: { ...measured.details, domains: judged.details },
          notes: [...(measured.notes ?? []), ...judged.notes],
        };
      },
    })));
    return {
      baseline: 'quarry-fleet',
      columns: COLUMNS,
      rows,
      params: {
        domains: DOMAINS.map(describe).join('; '),
        jobs: DOMAINS.map((domain) => jobsFor(domain, ctx.quick)).join('/'),
        processes: PROCESSES, concurrency: CONCURRENCY, responseMs: RESPONSE_MS, repeats: ctx.repeats,
      },
      notes: [
        `Sites: ${DOMAINS.map(describe).join(', ')}. ${urls.length} jobs (${DOMAINS.map((domain) => `${jobsFor(domain, ctx.quick)} for ${domain.host}`).join(', ')}: ~${backlogSeconds(ctx.quick)} s of backlog each at its limit), interleaved in proportion to the rates and enqueued at once; every response takes ${RESPONSE_MS} ms (/slow). Every system runs ${PROCESSES} worker processes with ${CONCURRENCY} jobs in flight each ("${PROCESSES} × ${CONCURRENCY}"); the per-process limiter rows are raw BullMQ workers with that limiter in each process.`,
        `Judged on the site's own arrival log (one clock, in the harness process). violations: runs of max+1 requests to one domain closer together than the window minus ${TOLERANCE_MS} ms, counted over every sliding window of every domain; worst window ÷ limit: the most requests seen in any window (of ${TOLERANCE_MS} ms less than the limit's) over the limit, max over the domains.`,
        `util %: a domain's requests over what its limit allowed between its first and last request (it had backlog all along); well above 100 % the site got more than its limit. A limiter that sends each window's quota as a burst (Quarry's sliding log does) reads up to ~1 burst over 100 %, since the first and last bursts both count in full over a span one window short; Quarry's sustained ceiling is ~93–95 % (its 5 % safety margin + 20 ms claim grace, docs/politeness.md).`,
        `in flight: the most requests to ${capped.host} arriving within ${RESPONSE_MS} ms of each other, i.e. overlapping at the site (a lower bound: the site holds each request at least that long).`,
        `Quarry: per-domain limits set with the limiter's setLimits (no defaults for other domains), robots.txt off. The unthrottled Quarry row has limits out of reach (QUARRY_DOMAIN_RATES=100000/1000, no cap): its violations are expected and huge — it is there only for broker cmds/job with and without throttling (deferred jobs cost a moveToDelayed and a second moveToActive each).`,
        `raw BullMQ's limiter is queue-wide (one fixed window of ${TOTAL_RATE}/s in Redis, shared by both processes) and knows no domains or concurrency caps: ${TOTAL_RATE}/s is the sum of the domains' rates. The job order gives each domain its share on average — its best case.`,
        `Per-process limiter: an in-memory sliding window and cap per domain in each process, exact on its own clock with no margin; a job waits for its slot in its worker slot. "split" gives each process rate/${PROCESSES} and cap/${PROCESSES} (never over the limit in total, but a process cannot use the other's unused share); "full" gives each process the whole limit, the usual default, so the fleet doubles it.`,
        `Celery 5 (Debian's python3-celery): one task per domain with rate_limit="<rate>/s" (a token bucket per task type per worker instance), ${PROCESSES} workers × prefork -c ${CONCURRENCY}, default prefetch; Celery has no per-domain concurrency cap, and each worker enforces the rate on its own.`,
        `load 1m: the machine's 1-minute load average when the run ended (it has ${availableParallelism()} CPUs). Arrivals are stamped by the harness's event loop; on a starved machine the workers' requests and the stamps bunch up, and every row, Quarry's too, shows violations it would not show on an idle one.`,
        'No result fields are checked here (every URL serves the same page); the site log must show exactly one request per job, a row note says otherwise. broker cmds/job: INFO commandstats delta of the broker over the run ÷ jobs (enqueue included; commands run inside Lua scripts count, as in the other suites).',
      ],
    };
  } finally {
    await stopSite();
  }
}

export const politenessSuite: Suite = {
  id: 'politeness',
  title: 'Politeness across a fleet of 2 processes: per-domain limits at the site',
  run,
};
