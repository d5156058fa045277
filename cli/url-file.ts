/**
 * @module cli/url-file
 * Parses the input of `quarry enqueue`: one URL per line, or (with --jsonl) one JSON job
 * request per line. Blank lines and `#` comments are skipped; every entry keeps its line number
 * so errors can point into the file.
 */
import { UsageError } from './errors.ts';

/** One item of the input file. */
export interface InputEntry {
  /** 1-based line in the file. */
  line: number;
  /** A URL string, or (JSON lines) the parsed job request object. */
  value: string | Record<string, unknown>;
}

export interface ParseOptions {
  /** Each line is a full job request as a JSON object. */
  jsonl?: boolean;
  /** Names the input in error messages (a path, or "stdin"). */
  source?: string;
}

export function parseInput(text: string, options: ParseOptions = {}): InputEntry[] {
  const entries: InputEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const line = index + 1;
    entries.push({ line, value: options.jsonl ? parseJsonLine(trimmed, line, options.source ?? 'input') : stripComment(trimmed) });
  }
  if (entries.length === 0) {
    throw new UsageError(`${options.source ?? 'input'} has no ${options.jsonl ? 'job requests' : 'URLs'}: give one per line`);
  }
  return entries;
}

/** `https://a.example/  # note` → the URL. A `#` glued to the URL is its fragment, so a space must precede the comment. */
function stripComment(line: string): string {
  return line.replace(/\s+#.*$/, '');
}

function parseJsonLine(line: string, lineNumber: number, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new UsageError(`${source} line ${lineNumber} is not valid JSON (${(error as Error).message}): with --jsonl each line must be a job request object`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${source} line ${lineNumber} is not a JSON object: with --jsonl each line must be a job request such as {"url":"https://example.com/"}`);
  }
  return value as Record<string, unknown>;
}
