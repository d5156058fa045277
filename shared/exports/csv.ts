/**
 * @module shared/exports/csv
 * CSV (RFC 4180) of export rows, flattened by fixed rules so the header is known before the
 * first row:
 *
 * - `index`, `jobId`, then the result's own fields: `url`, `finalUrl`, `httpStatus`, `title`,
 *   `fetchedAt`, `durationMs`, `mode`, `attempt`;
 * - `extract.<name>` per extract name (export-columns.ts), or one `extract` column of JSON;
 * - per format asked for: `markdown`, `html`, `rawHtml`; `links` as a JSON array;
 *   `metadata.title` … `metadata.fetchedAt`, one column per metadata field, with
 *   `metadata.og` as a JSON object; `artifacts` (JSON array of the stored files) for
 *   screenshot and pdf;
 * - arrays and objects anywhere are JSON text, null is an empty cell, numbers and booleans as
 *   JSON writes them.
 *
 * Cells are quoted when they hold a comma, a quote, CR or LF (quotes doubled); lines end with
 * CRLF. Written by hand rather than with csv-stringify: RFC 4180's quoting is these few lines,
 * the edge bundle stays free of Node stream shims, and the header comes from the columns spec
 * anyway. Cells are written as they are: a spreadsheet may read a cell starting with `=`, `+`,
 * `-` or `@` as a formula (CSV injection); import untrusted exports as text.
 */
import type { JobResult } from '../job-result.ts';
import type { ExportColumns } from './export-columns.ts';
import type { ExportRow } from './export-rows.ts';

const BASE = ['url', 'finalUrl', 'httpStatus', 'title', 'fetchedAt', 'durationMs', 'mode', 'attempt'] as const;
const METADATA = ['title', 'description', 'language', 'canonical', 'robots', 'og', 'statusCode', 'contentType', 'finalUrl', 'fetchedAt'] as const;

type Cell = (row: ExportRow) => unknown;
interface Column { name: string; value: Cell }

function columnsOf(spec: ExportColumns): Column[] {
  const columns: Column[] = [
    { name: 'index', value: (row) => row.index },
    { name: 'jobId', value: (row) => row.jobId },
    ...BASE.map((field) => ({ name: field, value: (row: ExportRow) => row.result[field] })),
  ];
  if (spec.extract === null) columns.push({ name: 'extract', value: (row) => row.result.extract });
  else for (const name of spec.extract) columns.push({ name: `extract.${name}`, value: (row) => row.result.extract?.[name] });
  for (const format of spec.formats) {
    if (format === 'metadata') {
      for (const field of METADATA) columns.push({ name: `metadata.${field}`, value: (row) => row.result.metadata?.[field] });
    } else if (format === 'screenshot' || format === 'pdf') {
      if (!columns.some((column) => column.name === 'artifacts')) columns.push({ name: 'artifacts', value: (row) => row.result.artifacts });
    } else {
      columns.push({ name: format, value: (row) => row.result[format as keyof JobResult] });
    }
  }
  return columns;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvEncoder {
  header: string;
  line(row: ExportRow): string;
}

/** The header line and a row encoder for these columns. */
export function csvEncoder(spec: ExportColumns): CsvEncoder {
  const columns = columnsOf(spec);
  return {
    header: `${columns.map((column) => csvField(column.name)).join(',')}\r\n`,
    line: (row) => `${columns.map((column) => csvField(column.value(row))).join(',')}\r\n`,
  };
}
