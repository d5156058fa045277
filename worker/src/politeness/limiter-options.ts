/**
 * @module worker/src/politeness/limiter-options
 * Options of the domain limiter, their defaults and the checks that keep them consistent.
 */
import { DEFAULT_PREFIX, assertClusterSafePrefix } from '../../../shared/keys.ts';
import { defaultDomainLimitsSchema, type DefaultDomainLimits } from '../../../shared/domain-limits.ts';
import { InvalidPolitenessConfigError } from './errors.ts';
import type { PolitenessRedis } from './run-script.ts';

export interface DomainLimiterOptions {
  /** ioredis client (TCP). Every call is one EVALSHA round trip. */
  redis: PolitenessRedis;
  /** Key prefix with a Redis Cluster hash tag; `{quarry}` by default. */
  prefix?: string;
  /** Limits of every domain without an override (the worker config feeds these). */
  defaults?: DefaultDomainLimits;
  /** Fraction every window is stretched by, absorbing grant-to-request jitter (0.03 = 3 %). */
  safetyMargin?: number;
  /** How late a returning job may still claim its reserved slot; added to every window's span. */
  claimGraceMs?: number;
  /** A slot at most this far ahead is granted and waited for in-process instead of deferring. */
  inProcessWaitMs?: number;
  /**
   * `retryAt` (what to hand `job.moveToDelayed`) is this much before the slot: the queue wakes
   * jobs 9–15 ms late typically, so aiming early turns that lateness into a short in-process
   * wait. Must be below `inProcessWaitMs`.
   */
  returnEarlyMs?: number;
  /** Lease lifetime; must exceed the longest job, since a crashed worker's slot frees only then. */
  leaseTtlMs?: number;
  /** How long a domain's state outlives its cooldown or its last lease release (keeps the hold-time average warm). */
  cooldownKeepMs?: number;
  /** In-process wait (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
}

export type ResolvedLimiterOptions = Required<DomainLimiterOptions>;

export const LIMITER_DEFAULTS = {
  prefix: DEFAULT_PREFIX,
  defaults: { rates: [{ max: 1, perMs: 1000 }], concurrency: 2 },
  safetyMargin: 0.03,
  claimGraceMs: 20,
  inProcessWaitMs: 80,
  returnEarlyMs: 20,
  leaseTtlMs: 5 * 60_000,
  cooldownKeepMs: 3_600_000,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
} satisfies Omit<ResolvedLimiterOptions, 'redis'>;

function check(condition: boolean, message: string): void {
  if (!condition) throw new InvalidPolitenessConfigError(message);
}

/** Applies defaults and rejects combinations that would break the guarantees. */
export function resolveLimiterOptions(options: DomainLimiterOptions): ResolvedLimiterOptions {
  const resolved: ResolvedLimiterOptions = { ...LIMITER_DEFAULTS, ...options };
  assertClusterSafePrefix(resolved.prefix);
  const defaults = defaultDomainLimitsSchema.safeParse(resolved.defaults);
  check(defaults.success, `Invalid default limits: ${defaults.error?.message}`);
  check(resolved.safetyMargin >= 0 && resolved.safetyMargin <= 1, 'safetyMargin must be within 0..1');
  check(Number.isInteger(resolved.claimGraceMs) && resolved.claimGraceMs >= 0, 'claimGraceMs must be an integer >= 0');
  check(Number.isInteger(resolved.inProcessWaitMs) && resolved.inProcessWaitMs >= 0, 'inProcessWaitMs must be an integer >= 0');
  check(
    Number.isInteger(resolved.returnEarlyMs) && resolved.returnEarlyMs >= 0 && resolved.returnEarlyMs <= resolved.inProcessWaitMs,
    'returnEarlyMs must be an integer within 0..inProcessWaitMs (a job returning early must land in the wait window)',
  );
  check(Number.isInteger(resolved.leaseTtlMs) && resolved.leaseTtlMs >= 1000, 'leaseTtlMs must be an integer >= 1000');
  return resolved;
}
