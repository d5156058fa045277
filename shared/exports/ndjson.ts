/**
 * @module shared/exports/ndjson
 * JSON Lines / NDJSON: one row per line, `{"index", "jobId", ...the result's fields}`. JSON
 * escapes line breaks inside strings, so a line is always one whole row.
 */
import type { ExportRow } from './export-rows.ts';

export function ndjsonLine(row: ExportRow): string {
  return `${JSON.stringify({ index: row.index, jobId: row.jobId, ...row.result })}\n`;
}
