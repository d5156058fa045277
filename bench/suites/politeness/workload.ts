/**
 * @module bench/suites/politeness/workload
 * The politeness suite's sites and jobs: three loopback domains with different limits, one
 * capped in concurrency, each with enough jobs to stay backlogged for the same ~10 s (~30 s
 * without --quick), interleaved in proportion to the rates and enqueued at once.
 */
import type { RateWindow } from '../../../shared/domain-limits.ts';

export interface PoliteDomain {
  host: string;
  rate: RateWindow;
  /** Requests in flight at once, fleet-wide; 0 = no cap. */
  concurrency: number;
}

export const DOMAINS: readonly PoliteDomain[] = [
  { host: '127.0.0.2', rate: { max: 4, perMs: 1000 }, concurrency: 0 },
  { host: '127.0.0.3', rate: { max: 10, perMs: 1000 }, concurrency: 0 },
  { host: '127.0.0.4', rate: { max: 20, perMs: 1000 }, concurrency: 2 },
];

/** The site holds every response this long (`/slow?ms=`), so a concurrency cap has something to cap. */
export const RESPONSE_MS = 50;

/** Every system runs this many processes with this many jobs in flight each. */
export const PROCESSES = 2;
export const CONCURRENCY = 10;

/** Seconds of backlog each domain gets at its own rate. */
export const backlogSeconds = (quick: boolean) => (quick ? 10 : 30);

/** Requests per second, summed over the domains: the budget a domain-blind limiter gets. */
export const TOTAL_RATE = DOMAINS.reduce((sum, domain) => sum + (domain.rate.max * 1000) / domain.rate.perMs, 0);

export const ratePerSecond = (domain: PoliteDomain) => (domain.rate.max * 1000) / domain.rate.perMs;

export const jobsFor = (domain: PoliteDomain, quick: boolean) => Math.round(ratePerSecond(domain) * backlogSeconds(quick));

/** Marks the suite's requests in the site's log. */
export const MARKER = 'polite=';

/**
 * Job i of n of a domain sorts at (i + ½)/n: the queue serves every domain in proportion to its
 * rate, the best case for a domain-blind limiter (each domain's average share is its limit).
 */
export function politeUrls(origin: (host: string) => string, quick: boolean): string[] {
  const jobs = DOMAINS.flatMap((domain, order) => {
    const count = jobsFor(domain, quick);
    return Array.from({ length: count }, (_, i) => ({
      key: (i + 0.5) / count, order, url: `${origin(domain.host)}/slow?ms=${RESPONSE_MS}&${MARKER}${i + 1}`,
    }));
  });
  return jobs.sort((a, b) => a.key - b.key || a.order - b.order).map((job) => job.url);
}

/** A domain's limits for one of `processes` processes that split the budget evenly. */
export function splitLimits(domain: PoliteDomain, processes: number): { rates: RateWindow[]; concurrency: number } {
  if (domain.rate.max % processes !== 0 || domain.concurrency % processes !== 0) {
    throw new Error(`${domain.host}: limits must divide by ${processes} processes`);
  }
  return { rates: [{ max: domain.rate.max / processes, perMs: domain.rate.perMs }], concurrency: domain.concurrency / processes };
}
