/**
 * @module bench/suites/jobs/job-suite
 * The common shape of the http and browser suites: start the test site once, then measure
 * every job system on the same URLs, interleaved over the repeats, into one table.
 */
import { runInterleaved } from '../../core/repeat.ts';
import type { ColumnSpec, SuiteContext, SuiteOutput } from '../../core/suite.ts';
import { startSiteProcess } from '../../setup/test-site-process.ts';
import { ensureBenchPackages } from '../../setup/system-packages.ts';
import { pageUrls, type PageKind } from '../../workload/pages.ts';
import type { JobSystem } from './job-system.ts';
import { measureJobSystem } from './measure-job-system.ts';

export const JOB_COLUMNS: ColumnSpec[] = [
  { key: 'jobsPerSecond', label: 'jobs/s', better: 'higher', digits: 1 },
  { key: 'p50Ms', label: 'p50 ms', better: 'lower', digits: 0 },
  { key: 'p99Ms', label: 'p99 ms', better: 'lower', digits: 0 },
  { key: 'cpuSeconds', label: 'CPU s', better: 'lower', digits: 1 },
  { key: 'peakPssMb', label: 'peak PSS MB', better: 'lower', digits: 0 },
  { key: 'brokerCommandsPerJob', label: 'broker cmds/job', better: 'lower', digits: 1 },
  { key: 'brokerRedisCpuSeconds', label: 'broker Redis CPU s', better: 'lower', digits: 2 },
];

export interface JobSuiteOptions {
  kind: PageKind;
  jobs: number;
  systems: JobSystem[];
  baseline: string;
  /** A system that stores nothing for this long is stopped and its repeat fails. */
  stallTimeoutMs: number;
  needs: { chromium?: boolean; celery?: boolean };
  notes: string[];
  params?: Record<string, unknown>;
}

export async function runJobSuite(ctx: SuiteContext, options: JobSuiteOptions): Promise<SuiteOutput> {
  const { chromium } = ensureBenchPackages(options.needs, ctx.log);
  const site = await startSiteProcess(ctx.cleanup);
  try {
    const urls = pageUrls((host) => `http://${host}:${site.port}`, site.hosts, options.jobs, options.kind);
    const env = { root: ctx.root, site, kind: options.kind, cleanup: ctx.cleanup, verbose: ctx.verbose, log: ctx.log, ...(chromium ? { chromium } : {}) };
    const rows = await runInterleaved(ctx, options.systems.map((system) => ({
      id: system.id,
      label: system.label,
      measure: () => measureJobSystem(system, env, { urls, stallTimeoutMs: options.stallTimeoutMs }),
    })));
    return {
      baseline: options.baseline,
      columns: JOB_COLUMNS,
      rows,
      params: { jobs: options.jobs, hosts: site.hosts.length, repeats: ctx.repeats, ...options.params },
      notes: [
        `Same ${options.jobs} URLs (${options.kind === 'page' ? '/page/:n, ~20 KB' : '/js/:n, rendered by a script'}, round-robin over ${site.hosts.join(', ')}) and the same fields for every system; 20 results per run are checked against the pages.`,
        "jobs/s and latency run from the first enqueue to the last result stored in the result-store Redis (keyspace notifications, one clock); all jobs are enqueued at once, so latency is mostly queueing behind the backlog (a slower enqueue, like Celery's send_task loop, spreads arrivals and shortens it; the JSON has enqueueSpanSeconds).",
        "CPU s and peak PSS cover each system's whole process tree (workers, pool children, Chromium), not the harness, the site or Redis; broker figures are INFO commandstats / INFO cpu deltas of the broker redis-server over the same window (enqueue included).",
        "Quarry runs with its politeness gate on (robots.txt, per-domain limiter call per job) but with the per-domain limits set out of reach (QUARRY_DOMAIN_RATES=100000/1000, QUARRY_DOMAIN_CONCURRENCY=0): the peers have no such limits.",
        ...options.notes,
      ],
    };
  } finally {
    await site.stop();
  }
}
