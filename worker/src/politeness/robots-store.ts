/**
 * @module worker/src/politeness/robots-store
 * How one origin's robots.txt fetch result is kept in the RESULT STORE (a hash with a TTL),
 * shared by the whole fleet. Not the broker: the broker never evicts, and one batch of hostile
 * origins could fill it with robots files and stop every enqueue. The result store evicts
 * (allkeys-lru), which costs at most a re-fetch of the file. Only the compact form is kept
 * (robots-compact.ts, at most 64 KiB).
 */
import type { RobotsOutcome } from './robots-policy.ts';
import type { PolitenessRedis } from './run-script.ts';

export interface RobotsEntry {
  /** HTTP status of the fetch (0: no answer). */
  status: number;
  outcome: RobotsOutcome;
  /** Compact rules (robots-compact.ts) for `agent` and `*`, plus Sitemap lines; empty unless `parsed`. */
  rules: string;
  /** Agent token the rules were compacted for; an entry for another token is a miss. */
  agent: string;
  /** The compact rules hit the size cap (robots-compact.ts says what was cut). */
  truncated: boolean;
  /** When the rules were fetched, epoch ms. */
  fetchedAt: number;
  /** When to fetch again, epoch ms. */
  expiresAt: number;
  /** Since when the origin has been unreachable without a break, epoch ms; 0 when its last fetch answered. */
  unreachableSince: number;
  /** Unreachable fetches in a row (the re-check backoff doubles with each). */
  failures: number;
}

const OUTCOMES: ReadonlySet<string> = new Set<RobotsOutcome>(['parsed', 'unavailable', 'unreachable']);

/** One HGETALL; undefined when absent or not a complete entry (e.g. the old, uncompacted format). */
export async function readEntry(redis: PolitenessRedis, key: string): Promise<RobotsEntry | undefined> {
  const hash = await redis.hgetall(key);
  const { status, outcome, rules, agent, truncated, fetchedAt, expiresAt, unreachableSince, failures } = hash;
  if (status === undefined || outcome === undefined || !OUTCOMES.has(outcome) || agent === undefined || fetchedAt === undefined || expiresAt === undefined) {
    return undefined;
  }
  return {
    status: Number(status), outcome: outcome as RobotsOutcome, rules: rules ?? '', agent, truncated: truncated === '1',
    fetchedAt: Number(fetchedAt), expiresAt: Number(expiresAt), unreachableSince: Number(unreachableSince ?? 0), failures: Number(failures ?? 0),
  };
}

/**
 * MULTI DEL HSET PEXPIRE (one round trip): DEL so no field of an older format survives. The key
 * outlives `expiresAt` by `keepStaleMs` so a stale copy (and the outage's start) survives re-checks.
 */
export async function storeEntry(redis: PolitenessRedis, key: string, entry: RobotsEntry, keepStaleMs: number): Promise<void> {
  const ttlMs = Math.max(entry.expiresAt - Date.now(), 1) + keepStaleMs;
  await redis
    .multi()
    .del(key)
    .hset(key, {
      status: String(entry.status), outcome: entry.outcome, rules: entry.rules, agent: entry.agent, truncated: entry.truncated ? '1' : '0',
      fetchedAt: String(entry.fetchedAt), expiresAt: String(entry.expiresAt),
      unreachableSince: String(entry.unreachableSince), failures: String(entry.failures),
    })
    .pexpire(key, ttlMs)
    .exec();
}
