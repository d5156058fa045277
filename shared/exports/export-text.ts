/**
 * @module shared/exports/export-text
 * Rows (in chunks) to the text of an export, chunk by chunk: the piece both the edge's
 * download and the workers' file writer consume. Nothing is buffered beyond one chunk.
 */
import { csvEncoder } from './csv.ts';
import type { ExportColumns } from './export-columns.ts';
import type { ExportFormat, ExportRow } from './export-rows.ts';
import { ndjsonLine } from './ndjson.ts';

export interface ExportTextOptions {
  format: ExportFormat;
  /** CSV only: the columns (the header is written first unless `header` is false). */
  columns: ExportColumns;
  /** CSV only: write the header line (a resumed download leaves it out). */
  header?: boolean;
  /** Called with each chunk's rows after they were encoded (progress, counting). */
  onRows?: (rows: readonly ExportRow[]) => void;
}

/** One string per chunk of rows (the CSV header rides with the first). */
export async function* exportText(chunks: AsyncIterable<readonly ExportRow[]>, options: ExportTextOptions): AsyncGenerator<string> {
  const csv = options.format === 'csv' ? csvEncoder(options.columns) : null;
  let pending = csv && options.header !== false ? csv.header : '';
  for await (const rows of chunks) {
    let text = pending;
    pending = '';
    for (const row of rows) text += csv ? csv.line(row) : ndjsonLine(row);
    options.onRows?.(rows);
    yield text;
  }
  if (pending) yield pending;
}
