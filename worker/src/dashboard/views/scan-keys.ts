/**
 * @module worker/dashboard/views/scan-keys
 * A bounded SCAN for the dashboard's views: domains, batches and crawls have no index, so the
 * views find them by key pattern. The walk stops after `maxScanned` keys or `maxFound` matches,
 * whichever comes first, and says whether it stopped early, so a page never walks a large
 * keyspace and never pretends to be complete when it was cut.
 */
import type { Redis } from 'ioredis';

export interface ScanOptions {
  /** Keys the server may walk at most (SCAN COUNT hints summed). */
  maxScanned?: number;
  /** Distinct names kept at most. */
  maxFound?: number;
}

export interface ScanResult {
  names: string[];
  /** True when a cap ended the walk before the keyspace was covered. */
  truncated: boolean;
}

/** Redis glob metacharacters in a literal (the prefix's `{tag}` is literal already; `[`, `*`, `?`, `\` are not). */
export function globEscape(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

/**
 * Walks keys matching `<base>*` and maps each to a name with `nameOf` (undefined skips the key);
 * the distinct names come back sorted.
 */
export async function scanNames(redis: Redis, base: string, nameOf: (rest: string) => string | undefined, options: ScanOptions = {}): Promise<ScanResult> {
  const { maxScanned = 10_000, maxFound = 200 } = options;
  const names = new Set<string>();
  let cursor = '0';
  let scanned = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(base)}*`, 'COUNT', 500);
    cursor = next;
    scanned += 500;
    for (const key of keys) {
      const name = nameOf(key.slice(base.length));
      if (name !== undefined) names.add(name);
      if (names.size >= maxFound) return { names: [...names].sort(), truncated: true };
    }
  } while (cursor !== '0' && scanned < maxScanned);
  return { names: [...names].sort(), truncated: cursor !== '0' };
}
