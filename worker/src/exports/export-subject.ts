/**
 * @module worker/exports/export-subject
 * What an export job writes, whatever it exports: a batch (batch-export.ts), or a crawl (the
 * crawl capability registers its own source under `crawl`). A subject knows its destination,
 * its CSV columns, its rows, and how to record the export's state where its owner's view
 * reads it (a batch's record).
 */
import type { ExportColumns, ExportDestination, ExportRow } from '../../../shared/exports/index.ts';

export interface ExportOutcome {
  rows: number;
  bytes: number;
  /** ms since epoch. */
  writtenAt: number;
}

export interface ExportSubject {
  destination: ExportDestination;
  columns: ExportColumns;
  /** The export was written already (a repeated job): nothing more to do. */
  written: boolean;
  /** The rows, chunk by chunk, read lazily (memory stays flat). */
  rows(): AsyncIterable<readonly ExportRow[]>;
  markWriting(): Promise<void>;
  markWritten(outcome: ExportOutcome): Promise<void>;
  /** `final`: no attempt follows (the state becomes `failed`); otherwise the error is kept for the view. */
  markFailed(reason: string, final: boolean): Promise<void>;
}

/** Opens the subject `id` of one kind; null when it no longer exists (its record expired). */
export type ExportSubjectSource = (id: string) => Promise<ExportSubject | null>;
