/**
 * @module bench/core/summary
 * Median and spread (min–max) of a figure over repeats, and ratios against the baseline row.
 */
import type { RowResult, RunFigures, SuiteOutput, SuiteResult } from './suite.ts';

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Repeats that produced this figure. */
  n: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spreadOf(values: readonly number[]): Spread | null {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return null;
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

export function summarizeRuns(runs: readonly RunFigures[], keys: readonly string[]): Record<string, Spread | null> {
  return Object.fromEntries(keys.map((key) => [
    key, spreadOf(runs.map((run) => run[key]).filter((value): value is number => typeof value === 'number')),
  ]));
}

/** Median of this row divided by the baseline's median; null when either is missing or zero. */
export function ratioTo(row: RowResult, baseline: RowResult | undefined, key: string): number | null {
  const value = row.summary[key]?.median;
  const base = baseline?.summary[key]?.median;
  if (value === undefined || base === undefined || base === 0) return null;
  return value / base;
}

/**
 * Completes a suite's output: summaries per row, and a baseline that exists (the first row
 * with figures when the requested one failed, so ratios still mean something; a note says so).
 */
export function finishSuite(id: string, title: string, output: SuiteOutput, startedAt: Date): SuiteResult {
  const keys = output.columns.map((column) => column.key);
  const rows: RowResult[] = output.rows.map((row) => ({ ...row, summary: summarizeRuns(row.runs, keys) }));
  const notes = [...output.notes];
  let baseline = output.baseline;
  if (!rows.some((row) => row.id === baseline && row.runs.length > 0)) {
    const fallback = rows.find((row) => row.runs.length > 0);
    if (fallback) {
      notes.unshift(`The intended baseline "${baseline}" produced no figures; ratios are against "${fallback.id}" instead.`);
      baseline = fallback.id;
    }
  }
  return {
    id, title, baseline, columns: output.columns, rows, params: output.params, notes,
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
  };
}
