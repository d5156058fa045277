/**
 * @module bench/suites/politeness/judge
 * Judges one run from the site's own request log (arrival times, one clock): sliding-window
 * violations, the worst overload, utilization per domain while it had backlog, and the most
 * requests in flight at the concurrency-capped domain.
 */
import type { RequestLogEntry } from '../../../test/support/test-site.ts';
import { busiestWindow, utilization, windowViolations } from '../../../test/politeness/window-check.ts';
import type { RunFigures } from '../../core/suite.ts';
import { DOMAINS, MARKER, RESPONSE_MS, jobsFor, ratePerSecond } from './workload.ts';

/** The only slack the judge allows: arrivals are stamped by the site's event loop. */
export const TOLERANCE_MS = 5;

/** Figure key of a domain's utilization (`util_127_0_0_2`). */
export const utilKey = (host: string) => `util_${host.replaceAll('.', '_')}`;

export interface Judgement {
  figures: RunFigures;
  notes: string[];
  /** Per domain, for the JSON. */
  details: Record<string, unknown>;
}

export function judgeSiteLog(log: readonly RequestLogEntry[], quick: boolean): Judgement {
  const figures: RunFigures = {};
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  let violations = 0;
  let worstOverload = 0;
  let minUtil = Number.POSITIVE_INFINITY;
  for (const domain of DOMAINS) {
    const times = log.filter((entry) => entry.host === domain.host && entry.path.includes(MARKER)).map((entry) => entry.at);
    const expected = jobsFor(domain, quick);
    if (times.length !== expected) notes.push(`${domain.host} saw ${times.length} requests for ${expected} jobs`);
    const count = windowViolations(times, domain.rate, TOLERANCE_MS).length;
    const busiest = busiestWindow(times, domain.rate.perMs - TOLERANCE_MS);
    const use = utilization(times, ratePerSecond(domain));
    violations += count;
    worstOverload = Math.max(worstOverload, busiest / domain.rate.max);
    minUtil = Math.min(minUtil, use);
    figures[utilKey(domain.host)] = use * 100;
    // The site holds each request RESPONSE_MS, so requests arriving closer than that overlapped there.
    const inFlight = busiestWindow(times, RESPONSE_MS);
    if (domain.concurrency > 0) figures.maxInFlightCapped = inFlight;
    details[domain.host] = { requests: times.length, violations: count, busiestWindow: busiest, utilization: use, maxInFlight: inFlight };
  }
  figures.violations = violations;
  figures.worstOverload = worstOverload;
  figures.minUtilization = minUtil * 100;
  return { figures, notes, details };
}
