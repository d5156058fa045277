/**
 * @module cli/flags
 * Parsers for flag values commander hands over as strings; each throws a UsageError naming the flag.
 */
import { UsageError } from './errors.ts';

export type Mode = 'http' | 'browser';

export function parseMode(value: string): Mode {
  if (value === 'http' || value === 'browser') return value;
  throw new UsageError(`--mode must be "http" or "browser" (got "${value}")`);
}

/** Repeatable `--extract name=selector`; the selector may itself contain `=` (`a[rel=next]`). */
export function collectExtract(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  const name = at > 0 ? value.slice(0, at).trim() : '';
  const selector = at > 0 ? value.slice(at + 1).trim() : '';
  if (!name || !selector) throw new UsageError(`--extract takes name=selector, e.g. --extract title=h1 or --extract "links[]=a.next" (got "${value}")`);
  if (name in previous) throw new UsageError(`--extract names "${name}" twice`);
  return { ...previous, [name]: selector };
}

/** A number of seconds ≥ 0, e.g. for `status --wait`. */
export function parseSeconds(flag: string) {
  return (value: string): number => {
    const seconds = Number(value);
    if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new UsageError(`${flag} takes a number of seconds ≥ 0 (got "${value}")`);
    return seconds;
  };
}
