/**
 * @module shared/exports/export-columns
 * Which columns a CSV export has, decided from what the jobs asked for, not from their results:
 * so the header is known before the first row (the export streams), and a resumed download has
 * the same columns as its first part. A batch stores its columns in its record when it is
 * created; a crawl derives them from its one set of scrape options.
 *
 * - `extract`: every `extract` name any item asked for, in order of first appearance; over
 *   MAX_EXTRACT_COLUMNS names (hostile or huge batches) the extract goes in one JSON column.
 * - `formats`: the formats any item asked for, in FORMAT_ORDER.
 */
import type { JobRequest } from '../job-schema.ts';
import { formatName, type FormatName } from '../scrape-options/index.ts';

export interface ExportColumns {
  /** `extract.<name>` columns, or null for one `extract` column of JSON. */
  extract: string[] | null;
  formats: FormatName[];
}

export const MAX_EXTRACT_COLUMNS = 200;
export const FORMAT_ORDER: readonly FormatName[] = ['markdown', 'html', 'rawHtml', 'links', 'metadata', 'screenshot', 'pdf'];

/** Columns of results without a stored spec (batches from before exports): extract as JSON. */
export const DEFAULT_EXPORT_COLUMNS: ExportColumns = { extract: null, formats: [] };

type ColumnSource = Pick<JobRequest, 'extract' | 'formats'>;

/** The columns for results of these requests. */
export function exportColumnsOf(requests: Iterable<ColumnSource>): ExportColumns {
  const names = new Set<string>();
  const formats = new Set<FormatName>();
  let overflow = false;
  for (const request of requests) {
    for (const raw of Object.keys(request.extract ?? {})) {
      if (overflow) break;
      names.add(raw.endsWith('[]') ? raw.slice(0, -2) : raw);
      if (names.size > MAX_EXTRACT_COLUMNS) overflow = true;
    }
    for (const entry of request.formats ?? []) formats.add(formatName(entry));
  }
  return { extract: overflow ? null : [...names], formats: FORMAT_ORDER.filter((name) => formats.has(name)) };
}

/** A stored spec, or the default when it is missing or unreadable. */
export function parseExportColumns(raw: string | null | undefined): ExportColumns {
  if (!raw) return DEFAULT_EXPORT_COLUMNS;
  try {
    const value = JSON.parse(raw) as Partial<ExportColumns>;
    const extract = Array.isArray(value.extract) ? value.extract.filter((name): name is string => typeof name === 'string') : null;
    const formats = Array.isArray(value.formats) ? FORMAT_ORDER.filter((name) => (value.formats as unknown[]).includes(name)) : [];
    return { extract, formats };
  } catch {
    return DEFAULT_EXPORT_COLUMNS;
  }
}
