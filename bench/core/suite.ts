/**
 * @module bench/core/suite
 * The extension point of `npm run bench`: a suite measures several systems ("rows") on the same
 * workload and returns raw per-repeat figures; the harness summarises, renders and stores them.
 */
import type { Cleanup } from './cleanup.ts';
import type { Spread } from './summary.ts';

/** How a column's figures compare; decides nothing numerically, but the table legend says it. */
export type Better = 'higher' | 'lower' | 'none';

export interface ColumnSpec {
  /** Key in each run's figures, e.g. `jobsPerSecond`. */
  key: string;
  /** Header text, e.g. `jobs/s`. */
  label: string;
  better: Better;
  /** Decimals shown for the value. */
  digits: number;
  /** False for counts that must hold a fixed value (REST round trips): shown without a ratio. */
  ratio?: boolean;
}

/** One repeat of one row: figures by column key; null when a system has no such figure. */
export type RunFigures = Record<string, number | null>;

export interface RowResult {
  id: string;
  label: string;
  /** One entry per completed repeat, in order. */
  runs: RunFigures[];
  /** Diagnostics per completed repeat (e.g. broker commands by name), JSON only. */
  details?: Array<Record<string, unknown>>;
  /** Median and min–max per column over `runs` (filled by the harness). */
  summary: Record<string, Spread | null>;
  /** Per-row remarks (e.g. a failed check); shown under the table. */
  notes: string[];
  /** Set when the row could not be measured at all. */
  error?: string;
}

export interface SuiteResult {
  id: string;
  title: string;
  /** Row id every ratio divides by. */
  baseline: string;
  columns: ColumnSpec[];
  rows: RowResult[];
  /** Workload and settings, for the JSON and the table caption. */
  params: Record<string, unknown>;
  /** What the reader must know to read the table right (what limits what, caveats). */
  notes: string[];
  startedAt: string;
  durationSeconds: number;
}

export interface SuiteContext {
  /** Smaller workloads and fewer repeats. */
  quick: boolean;
  repeats: number;
  /** Project root (where node_modules, infra/ and worker/ live). */
  root: string;
  /** Progress lines on stderr (the tables go to stdout). */
  log(line: string): void;
  /** Everything started is registered here, so Ctrl-C or a crash still stops it. */
  cleanup: Cleanup;
  /** Forward the output of systems under test (workers, Celery, Crawlee) to stderr. */
  verbose: boolean;
  /** Row ids to measure (`--rows`); null measures every row. For development: ratios need the baseline row. */
  rows: readonly string[] | null;
}

/** What a suite returns; the harness adds summaries, timing and ids. */
export interface SuiteOutput {
  baseline: string;
  columns: ColumnSpec[];
  rows: Array<Omit<RowResult, 'summary'>>;
  params: Record<string, unknown>;
  notes: string[];
}

export interface Suite {
  /** Name used by `--only`, e.g. `enqueue`. */
  id: string;
  title: string;
  run(ctx: SuiteContext): Promise<SuiteOutput>;
}
