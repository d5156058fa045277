/**
 * @module worker/src/politeness/robots-store
 * How one origin's robots.txt fetch result is kept in Redis (a hash with a TTL), shared by the
 * whole fleet.
 */
import type { RobotsOutcome } from './robots-policy.ts';
import type { PolitenessRedis } from './run-script.ts';

export interface RobotsEntry {
  /** HTTP status of the fetch (0: no answer). */
  status: number;
  outcome: RobotsOutcome;
  /** The robots.txt text (only kept for `parsed`). */
  body: string;
  /** When the rules were fetched, epoch ms. */
  fetchedAt: number;
  /** When to fetch again, epoch ms. */
  expiresAt: number;
}

const OUTCOMES: ReadonlySet<string> = new Set<RobotsOutcome>(['parsed', 'unavailable', 'unreachable']);

/** One HGETALL; undefined when absent or not a complete entry. */
export async function readEntry(redis: PolitenessRedis, key: string): Promise<RobotsEntry | undefined> {
  const hash = await redis.hgetall(key);
  const { status, outcome, body, fetchedAt, expiresAt } = hash;
  if (status === undefined || outcome === undefined || !OUTCOMES.has(outcome) || fetchedAt === undefined || expiresAt === undefined) {
    return undefined;
  }
  return { status: Number(status), outcome: outcome as RobotsOutcome, body: body ?? '', fetchedAt: Number(fetchedAt), expiresAt: Number(expiresAt) };
}

/** MULTI HSET + PEXPIRE (one round trip); the key outlives `expiresAt` so a stale copy can serve while unreachable. */
export async function storeEntry(redis: PolitenessRedis, key: string, entry: RobotsEntry, keepStaleMs: number): Promise<void> {
  const ttlMs = Math.max(entry.expiresAt - Date.now(), 1) + keepStaleMs;
  await redis
    .multi()
    .hset(key, {
      status: String(entry.status), outcome: entry.outcome, body: entry.body,
      fetchedAt: String(entry.fetchedAt), expiresAt: String(entry.expiresAt),
    })
    .pexpire(key, ttlMs)
    .exec();
}
