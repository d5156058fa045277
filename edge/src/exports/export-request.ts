/**
 * @module edge/exports/export-request
 * What an export download asks for: the format (`?format=`, else the Accept header, else JSON
 * Lines), where to start (`?cursor=`, an item index: every row carries its `index`, so a broken
 * download resumes at the last complete row's index + 1) and how many rows at most (`?limit=`).
 * A CSV starting at cursor 0 has its header line; a resumed one does not, so it can be appended.
 */
import type { Context } from 'hono';
import type { ExportFormat } from '../../../shared/exports/export-rows.ts';
import { InvalidQueryProblem } from '../problems/problems.ts';

export interface ExportRequest {
  format: ExportFormat;
  cursor: number;
  limit: number | undefined;
  /** CSV: write the header line (only when starting from the first item). */
  header: boolean;
}

const FORMATS: Record<string, ExportFormat> = { jsonl: 'jsonl', ndjson: 'jsonl', csv: 'csv' };
const MAX_LIMIT = 10_000_000;

function formatFromAccept(accept: string | undefined): ExportFormat {
  if (!accept) return 'jsonl';
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  for (const type of types) {
    if (type === 'text/csv') return 'csv';
    if (type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/x-jsonlines') return 'jsonl';
  }
  return 'jsonl';
}

function wholeNumber(c: Context, name: string, min: number, max: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new InvalidQueryProblem(name, `must be a whole number from ${min} to ${max}`);
  return Number(raw);
}

export function readExportRequest(c: Context): ExportRequest {
  const raw = c.req.query('format');
  let format: ExportFormat;
  if (raw === undefined) format = formatFromAccept(c.req.header('accept'));
  else if (FORMATS[raw]) format = FORMATS[raw]!;
  else throw new InvalidQueryProblem('format', 'must be "jsonl" (or "ndjson") or "csv"');
  const cursor = wholeNumber(c, 'cursor', 0, MAX_LIMIT) ?? 0;
  const limit = wholeNumber(c, 'limit', 1, MAX_LIMIT);
  return { format, cursor, limit, header: cursor === 0 };
}
