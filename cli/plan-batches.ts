/**
 * @module cli/plan-batches
 * Turns the parsed input into `POST /v1/batches` bodies: validated locally first (with the
 * API's own schema) so a bad line rejects the whole run before anything is enqueued, then
 * split into chunks the edge accepts.
 */
import { BATCH_MAX_JOBS } from '../shared/batch-schema.ts';
import { jobRequestSchema } from '../shared/job-schema.ts';
import { CliError, EXIT, type FieldError } from './errors.ts';
import type { Mode } from './flags.ts';
import type { InputEntry } from './url-file.ts';

/** Half the edge's default 8 MiB batch body limit, leaving room for long URLs and a tighter config. */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** Enough to fix a systematic mistake without flooding the terminal. */
const MAX_REPORTED = 20;

export interface PlanOptions {
  /** `--mode`: applied to every item (JSON-lines items may override it). */
  mode?: Mode;
  /** `--extract`: applied to every item (a JSON-lines item's own `extract` replaces it). */
  extract?: Record<string, string>;
  /** Items are JSON job requests rather than URLs. */
  jsonl?: boolean;
  /** Most items per batch (default and maximum: the API's 10,000). */
  maxItems?: number;
  /** Largest serialized batch body, in bytes. */
  maxBytes?: number;
}

export interface BatchChunk {
  /** The request body: `{urls, defaults}` or `{jobs}`. */
  body: { urls: string[]; defaults?: Record<string, unknown> } | { jobs: Record<string, unknown>[] };
  /** The input entries of this chunk, in order (index i of the body is entries[i]). */
  entries: InputEntry[];
  /** Index of the chunk's first item in the whole input. */
  offset: number;
}

export class InvalidItemsError extends CliError {
  constructor(lines: string[], invalid: number, total: number) {
    const more = lines.length > MAX_REPORTED ? [`… and ${lines.length - MAX_REPORTED} more`] : [];
    super(`${invalid} of ${total} items ${invalid === 1 ? 'is' : 'are'} invalid, nothing was enqueued:`, EXIT.rejected, [...lines.slice(0, MAX_REPORTED), ...more]);
  }
}

/** `line 4 (index 2)`: the line to edit and the index the API would report. */
export const describeEntry = (entry: InputEntry, index: number) => `line ${entry.line} (index ${index})`;

export function planBatches(entries: InputEntry[], options: PlanOptions = {}): BatchChunk[] {
  const defaults: Record<string, unknown> = {};
  if (options.mode !== undefined) defaults.mode = options.mode;
  if (options.extract !== undefined) defaults.extract = options.extract;
  const items = entries.map((entry) => (typeof entry.value === 'string' ? { ...defaults, url: entry.value } : { ...defaults, ...entry.value }));

  const errors: string[] = [];
  let invalid = 0;
  items.forEach((item, index) => {
    const parsed = jobRequestSchema.safeParse(item);
    if (parsed.success) return;
    invalid++;
    for (const issue of parsed.error.issues) {
      errors.push(`${describeEntry(entries[index]!, index)}: ${issue.path.map(String).join('.') || 'item'}: ${issue.message}`);
    }
  });
  if (invalid > 0) throw new InvalidItemsError(errors, invalid, items.length);

  const maxItems = Math.min(options.maxItems ?? BATCH_MAX_JOBS, BATCH_MAX_JOBS);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const chunks: BatchChunk[] = [];
  let start = 0;
  let bytes = 0;
  const close = (end: number) => {
    const slice = entries.slice(start, end);
    const body = options.jsonl
      ? { jobs: items.slice(start, end) }
      : { urls: slice.map((entry) => entry.value as string), ...(Object.keys(defaults).length > 0 ? { defaults } : {}) };
    chunks.push({ body, entries: slice, offset: start });
    start = end;
    bytes = 0;
  };
  items.forEach((item, index) => {
    const size = Buffer.byteLength(JSON.stringify(options.jsonl ? item : entries[index]!.value)) + 1;
    if (index > start && (index - start >= maxItems || bytes + size > maxBytes)) close(index);
    bytes += size;
  });
  close(items.length);
  return chunks;
}

/** Maps the API's `urls.3.url` / `jobs.3.extract.x` paths in a chunk back to lines of the input. */
export function describeChunkError(chunk: BatchChunk) {
  return (error: FieldError): string => {
    const match = /^(?:urls|jobs)\.(\d+)(?:\.(.*))?$/.exec(error.path);
    const entry = match ? chunk.entries[Number(match[1])] : undefined;
    if (!match || !entry) return `${error.path || 'body'}: ${error.message}`;
    return `${describeEntry(entry, chunk.offset + Number(match[1]))}: ${match[2] ?? 'url'}: ${error.message}`;
  };
}
