/**
 * @module test/politeness/window-check
 * Measures a request log against sliding-window limits: violations and utilization.
 */
import type { RateWindow } from '../../shared/domain-limits.ts';

export interface WindowViolation {
  /** First and last of max+1 requests that fell within one window. */
  from: number;
  to: number;
  count: number;
}

/**
 * Every run of max+1 requests closer together than `perMs - toleranceMs`: exactly the places
 * where some half-open window [x, x + perMs) held more than `max` requests.
 */
export function windowViolations(times: readonly number[], window: RateWindow, toleranceMs = 0): WindowViolation[] {
  const sorted = [...times].sort((a, b) => a - b);
  const violations: WindowViolation[] = [];
  for (let index = 0; index + window.max < sorted.length; index += 1) {
    const from = sorted[index]!;
    const to = sorted[index + window.max]!;
    if (to - from < window.perMs - toleranceMs) violations.push({ from, to, count: window.max + 1 });
  }
  return violations;
}

/** Most requests seen in any window of `perMs` (for reports). */
export function busiestWindow(times: readonly number[], perMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= perMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * Requests served over requests the tightest sustained rate allowed between the first and the
 * last one (the domain had backlog for the whole span).
 */
export function utilization(times: readonly number[], ratePerSecond: number): number {
  if (times.length < 2) return 1;
  const sorted = [...times].sort((a, b) => a - b);
  const spanSeconds = (sorted[sorted.length - 1]! - sorted[0]!) / 1000;
  return (sorted.length - 1) / (spanSeconds * ratePerSecond);
}

/** A request as the site saw it, with how long it took from its grant to arriving. */
export interface ObservedRequest {
  /** Arrival at the site, epoch ms. */
  at: number;
  /** Arrival minus grant time, ms. */
  latencyMs: number;
}

/**
 * Violations at the site that NO late request explains. The limiter's grants are exact and its
 * margin absorbs `budgetMs` of grant-to-arrival latency; a window can only overflow at the site
 * if one of the requests in it took longer than that (a starved event loop, a slow network).
 */
export function unexplainedViolations(requests: readonly ObservedRequest[], window: RateWindow, budgetMs: number, toleranceMs = 0): WindowViolation[] {
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  const unexplained: WindowViolation[] = [];
  for (let index = 0; index + window.max < sorted.length; index += 1) {
    const run = sorted.slice(index, index + window.max + 1);
    if (run[run.length - 1]!.at - run[0]!.at >= window.perMs - toleranceMs) continue;
    if (!run.some((request) => request.latencyMs > budgetMs)) {
      unexplained.push({ from: run[0]!.at, to: run[run.length - 1]!.at, count: run.length });
    }
  }
  return unexplained;
}
