/**
 * @module shared/domain-keys
 * Redis key names of the per-domain politeness state (broker) and the fleet-wide robots.txt
 * cache (result store).
 *
 * Every key starts with the queue prefix, so it keeps the prefix's `{…}` hash tag: the scripts
 * that touch several keys of one domain stay in one Redis Cluster slot.
 */
import { assertClusterSafePrefix } from './keys.ts';
import { assertDomainKey } from './domain-key.ts';

export interface DomainKeys {
  /** Hash of per-domain limit overrides (`rates`, `concurrency`, `updatedAt`); no TTL. */
  readonly limits: string;
  /** Sorted set of grants (`g:…`) and reservations (`r:<jobId>`), scored by slot time in ms. */
  readonly log: string;
  /** Sorted set of concurrency leases, scored by expiry time in ms. */
  readonly leases: string;
  /** Hash of runtime state: `cooldownUntil`, `seq`, `holdMs`. */
  readonly state: string;
}

/** Keys of one domain, in the order the `domain-*` scripts take them where they take several. */
export function domainKeys(prefix: string, domain: string): DomainKeys {
  assertClusterSafePrefix(prefix);
  const base = `${prefix}:domain:${assertDomainKey(domain)}:`;
  return { limits: `${base}limits`, log: `${base}log`, leases: `${base}leases`, state: `${base}state` };
}

export interface RobotsKeys {
  /**
   * Hash with the fleet's robots.txt copy, in the RESULT STORE (evictable), not the broker:
   * `status`, `outcome`, `rules` (compact, ≤ 64 KiB), `agent`, `truncated`, `fetchedAt`,
   * `expiresAt`, `unreachableSince`, `failures` (worker/src/politeness/robots-store.ts).
   */
  readonly entry: string;
  /** `SET NX PX` lock held by the one worker fetching the file. */
  readonly lock: string;
}

/** Keys of the robots.txt cache for one origin (`https://example.com`, `http://127.0.0.2:8080`). */
export function robotsKeys(prefix: string, origin: string): RobotsKeys {
  assertClusterSafePrefix(prefix);
  if (!/^https?:\/\/[^\s/?#]+$/.test(origin) || origin.length > 320) {
    throw new Error(`Invalid robots.txt origin "${origin.slice(0, 100)}"`);
  }
  const base = `${prefix}:robots:${origin}`;
  return { entry: base, lock: `${base}:lock` };
}

/** Hash where workers publish the fleet's default limits (`rates`, `concurrency`), read by the edge's domain view. */
export function politenessDefaultsKey(prefix: string): string {
  assertClusterSafePrefix(prefix);
  return `${prefix}:politeness:defaults`;
}

/**
 * A job's count of cooldown retries (429/503 with Retry-After, each a retry without an attempt),
 * for `QUARRY_MAX_COOLDOWN_RETRIES`. Written only when a cooldown happens (domain-cooldown-2.lua),
 * with a TTL; under the prefix's hash tag, so it shares the domain keys' Cluster slot.
 */
export function jobCooldownsKey(prefix: string, jobId: string): string {
  assertClusterSafePrefix(prefix);
  return `${prefix}:cooldowns:${jobId}`;
}

/** Failures kept per domain in `domainErrorsKey`'s list. */
export const DOMAIN_ERRORS_KEPT = 10;

/**
 * List (newest first, at most `DOMAIN_ERRORS_KEPT`) of a domain's last final job failures, JSON
 * `{at, jobId, url, reason}`, in the RESULT STORE (diagnostics: evictable): written by
 * worker/src/effects/domain-errors-effect.ts, read by the dashboard's Domains view.
 */
export function domainErrorsKey(prefix: string, domain: string): string {
  assertClusterSafePrefix(prefix);
  return `${prefix}:domain:${assertDomainKey(domain)}:errors`;
}
