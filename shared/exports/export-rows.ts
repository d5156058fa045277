/**
 * @module shared/exports/export-rows
 * One exported row: a stored result with the item it belongs to. Batches and crawls produce
 * rows (each from its own store), the encoders (ndjson.ts, csv.ts) turn them into text.
 */
import type { JobResult } from '../job-result.ts';

export interface ExportRow {
  /** The item's position (batch item index, crawl page number): the cursor to resume after it. */
  index: number;
  jobId: string;
  /** The whole result (an offloaded stub's `result.json` already read back). */
  result: JobResult;
}

export type ExportFormat = 'jsonl' | 'csv';

/** Media types of the export formats. */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { jsonl: 'jsonl', csv: 'csv' };
