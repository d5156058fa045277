/**
 * @module bench/measure/latency
 * Wall-clock helpers shared by every suite: an epoch clock with sub-millisecond resolution (the
 * same clock Python's `time.time()` reads, so child processes' timestamps compare), and
 * percentiles of latency samples.
 */

/** Milliseconds since the epoch, sub-millisecond resolution. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Linear-interpolated percentile of ascending-sorted samples (`p` in 0–100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN, count: sorted.length };
}
