/**
 * @module worker/artifacts/expiry-index
 * Which artifact expires when, in the result-store Redis: one sorted set of keys scored by
 * expiry (ms). It works the same on every backend (S3, R2, MinIO, the local server), unlike
 * bucket lifecycle rules, which only count whole days (see docs/formats.md for adding one).
 *
 * Cost per result with artifacts: one ZADD (every artifact of the result in it). Per sweep: one
 * EVALSHA to claim what is due (the only command when nothing is), one to forget what was deleted.
 */
import type { Redis } from 'ioredis';
import { artifactExpiryKey } from '../../../shared/keys.ts';
import { loadScript } from '../../../shared/scripts/load-scripts.ts';

const CLAIM = loadScript('artifact-sweep-claim');
const DONE = loadScript('artifact-sweep-done');

interface IndexCommands {
  artifactSweepClaim(key: string, max: number, leaseMs: number): Promise<Array<number | string>>;
  artifactSweepDone(key: string, lease: number, ...keys: string[]): Promise<number>;
}

export interface ExpiryIndex {
  /** Records when each artifact expires (one ZADD). */
  add(entries: ReadonlyArray<{ key: string; expiresAt: number }>): Promise<void>;
  /** Up to `max` expired keys, leased to the caller for `leaseMs`. */
  claimDue(max: number, leaseMs: number): Promise<{ lease: number; keys: string[] }>;
  /** Forgets deleted keys (not those stored again since the claim). */
  done(lease: number, keys: readonly string[]): Promise<number>;
}

export function createExpiryIndex(redis: Redis, prefix: string): ExpiryIndex {
  const key = artifactExpiryKey(prefix);
  const commands = redis as unknown as IndexCommands;
  // ioredis runs defined commands with EVALSHA and falls back to EVAL on NOSCRIPT.
  if (!('artifactSweepClaim' in redis)) {
    redis.defineCommand('artifactSweepClaim', { numberOfKeys: CLAIM.numberOfKeys, lua: CLAIM.content });
    redis.defineCommand('artifactSweepDone', { numberOfKeys: DONE.numberOfKeys, lua: DONE.content });
  }
  return {
    async add(entries) {
      if (entries.length === 0) return;
      await redis.zadd(key, ...entries.flatMap((entry) => [entry.expiresAt, entry.key]));
    },
    async claimDue(max, leaseMs) {
      const [lease, ...keys] = await commands.artifactSweepClaim(key, max, leaseMs);
      return { lease: Number(lease), keys: keys.map(String) };
    },
    async done(lease, keys) {
      return keys.length === 0 ? 0 : commands.artifactSweepDone(key, lease, ...keys);
    },
  };
}
