/**
 * @module worker/changes/snapshot-store
 * The last snapshot of each (tenant, canonical URL, tag), in the result store (evictable,
 * like results: an evicted snapshot makes the next scrape `new` again, never a wrong diff).
 *
 * Key: `<prefix>:snap:<first 32 hex of SHA-256(tenant, canonical URL, tag)>` (the URL may be
 * 2,048 characters; the digest keeps keys short and says nothing about the URL). Value: JSON
 * `{jobId, at, mode, value}` (`value` = the extract record or the markdown) or a tombstone
 * `{jobId, at, mode, removed: true}`.
 *
 * Redis cost per tracked scrape: one EVALSHA (shared/scripts/change-swap-2.lua: GET, then SET
 * of the replaced snapshot or DEL, then SET). Memory per tracked URL: the snapshot's value plus
 * ~120 B (key, JSON envelope, Redis overhead); the replaced snapshot's copy lives one more hour.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { canonicalUrl } from '../../../shared/canonical-url.ts';
import { loadScripts } from '../../../shared/scripts/load-scripts.ts';
import { runScript } from '../politeness/run-script.ts';

export interface Snapshot {
  jobId: string;
  /** ISO-8601 fetch time. */
  at: string;
  mode: 'fields' | 'markdown';
  /** The extract record (`fields`) or the markdown (`markdown`); absent on a tombstone. */
  value?: unknown;
  /** The page answered 404/410. */
  removed?: true;
}

/** How long the snapshot a swap replaced is kept for a re-run of the same job. */
const REPLACED_KEEP_SECONDS = 3600;

/** The same canonical form as the edge's dedupe window with its defaults. */
const CANONICAL = { sortQuery: true, dropParams: ['utm_*', 'fbclid', 'gclid'] } as const;

export function snapshotKey(prefix: string, tenant: string | undefined, url: string, tag: string | undefined): string {
  const digest = createHash('sha256').update(JSON.stringify([tenant ?? '', canonicalUrl(url, CANONICAL), tag ?? ''])).digest('hex').slice(0, 32);
  return `${prefix}:snap:${digest}`;
}

export interface SnapshotStore {
  /** Stores `next` and returns the snapshot it replaces (see change-swap-2.lua for re-runs). */
  swap(key: string, next: Snapshot): Promise<Snapshot | null>;
}

export function createSnapshotStore(results: Redis, retentionSeconds: number): SnapshotStore {
  const script = loadScripts().get('change-swap')!;
  return {
    async swap(key, next) {
      const reply = await runScript(results, script, [key, `${key}:replaced`], [next.jobId, JSON.stringify(next), retentionSeconds, REPLACED_KEEP_SECONDS]);
      if (typeof reply !== 'string') return null;
      try {
        return JSON.parse(reply) as Snapshot;
      } catch {
        return null; // written by something else: compare as if there were none
      }
    },
  };
}
