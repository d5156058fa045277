/**
 * @module worker/src/politeness/domain-limiter
 * Fleet-wide per-domain politeness: several sliding windows, a concurrency cap with expiring
 * leases, Retry-After cooldowns and slot reservation, decided atomically in Redis.
 * Algorithm and Redis cost: docs/politeness.md.
 */
import { domainKeys, jobCooldownsKey, type DomainKeys } from '../../../shared/domain-keys.ts';
import { domainLimitsFromHash, domainLimitsSchema, domainLimitsToHash, encodeRates, type DomainLimits } from '../../../shared/domain-limits.ts';
import { loadScript } from '../../../shared/scripts/load-scripts.ts';
import { InvalidPolitenessConfigError, UnexpectedScriptReplyError } from './errors.ts';
import { resolveLimiterOptions, type DomainLimiterOptions } from './limiter-options.ts';
import { parseAcquireReply, parseUsageReply, type AcquireResult, type DomainUsage } from './limiter-replies.ts';
import { runScript } from './run-script.ts';

export interface AcquireOptions {
  /** Minimum spacing between grants to this domain, ms (robots.txt Crawl-delay); 0 for none. */
  minIntervalMs?: number;
  /**
   * The job's first start (BullMQ `attemptsStarted` is 1): it cannot hold a reserved slot yet,
   * so the script skips looking for one (one Redis command less per fresh job).
   */
  firstStart?: boolean;
}

export interface DomainLimiter {
  /** One round trip. GRANTED (after waiting ≤ inProcessWaitMs for the slot) or DENIED with the job's slot. */
  acquire(domain: string, jobId: string, options?: AcquireOptions): Promise<AcquireResult>;
  /** Ends a lease by id (what `AcquireGranted.release` does). */
  release(domain: string, leaseId: string): Promise<boolean>;
  /** Pauses the domain fleet-wide until `untilMs` (never shortens a longer cooldown); returns the one in force. */
  cooldown(domain: string, untilMs: number): Promise<number>;
  /**
   * `cooldown`, and counts it as one more cooldown retry of `jobId` in the same script call;
   * resolves with the pause in force and the job's cooldown retries so far (this one included).
   */
  cooldownRetry(domain: string, untilMs: number, jobId: string): Promise<{ until: number; retries: number }>;
  /** Gives up a job's reserved slot (a cancelled job); the slot stays unused. */
  cancel(domain: string, jobId: string): Promise<boolean>;
  usage(domain: string): Promise<DomainUsage>;
  /** Stores an override (validated), or removes it with null. */
  setLimits(domain: string, limits: DomainLimits | null): Promise<void>;
  getLimits(domain: string): Promise<DomainLimits | undefined>;
}

const ACQUIRE = loadScript('domain-acquire');
/** Claim attempts per acquire on a capped domain before the job goes through the delayed set. */
const MAX_CLAIM_ROUNDS = 5;
const RELEASE = loadScript('domain-release');
const COOLDOWN = loadScript('domain-cooldown');
/** A job's cooldown counter lives this long after its last cooldown: retries a day apart count afresh. */
const COOLDOWN_COUNTER_TTL_MS = 24 * 3_600_000;
const USAGE = loadScript('domain-usage');

export function createDomainLimiter(options: DomainLimiterOptions): DomainLimiter {
  const config = resolveLimiterOptions(options);
  const { redis, prefix } = config;
  const defaultRates = encodeRates(config.defaults.rates);
  const defaultConcurrency = config.defaults.concurrency;
  const keysOf = (domain: string): DomainKeys => domainKeys(prefix, domain);
  const keyList = (keys: DomainKeys) => [keys.limits, keys.log, keys.leases, keys.state];

  async function release(domain: string, leaseId: string): Promise<boolean> {
    const keys = keysOf(domain);
    return (await runScript(redis, RELEASE, [keys.leases, keys.state], [leaseId, config.cooldownKeepMs])) === 1;
  }

  async function acquire(domain: string, jobId: string, acquireOptions: AcquireOptions = {}): Promise<AcquireResult> {
    const minIntervalMs = Math.max(0, Math.round(acquireOptions.minIntervalMs ?? 0));
    if (jobId === '') throw new InvalidPolitenessConfigError('acquire needs a job id (it names the reservation)');
    const args = (canHoldSlot: boolean) => [
      jobId, defaultRates, defaultConcurrency, config.safetyMargin, config.claimGraceMs,
      config.inProcessWaitMs, config.leaseTtlMs, minIntervalMs, canHoldSlot ? '0' : '1',
    ];
    const keys = keyList(keysOf(domain));
    let decision = parseAcquireReply(await runScript(redis, ACQUIRE, keys, args(!acquireOptions.firstStart)));
    // A capped domain hands out its lease only at the slot: sleep to it, then claim (a second
    // round trip, only for capped domains with a wait). Bounded: a domain whose leases stay
    // taken sends the job through the delayed set instead of polling.
    for (let round = 1; !decision.granted && decision.hold && round < MAX_CLAIM_ROUNDS; round += 1) {
      await config.sleep(Math.max(0, decision.at - decision.now));
      decision = parseAcquireReply(await runScript(redis, ACQUIRE, keys, args(true))); // it holds one now
    }
    const delayMs = Math.max(0, decision.at - decision.now);
    if (!decision.granted) {
      const retryAt = Date.now() + Math.max(0, delayMs - config.returnEarlyMs);
      return { granted: false, reason: decision.reason, eligibleAt: decision.at, delayMs, retryAt };
    }
    // The slot is at most inProcessWaitMs ahead: waiting here is cheaper and far more precise
    // than a round trip through the queue's delayed set.
    if (delayMs > 0) await config.sleep(delayMs);
    const { leaseId } = decision;
    return {
      granted: true, leaseId, grantedAt: decision.at, slotAt: decision.slot, waitedMs: delayMs,
      // No lease on an uncapped domain: nothing to end, no round trip.
      release: () => (leaseId === '' ? Promise.resolve(true) : release(domain, leaseId)),
    };
  }

  async function runCooldown(domain: string, untilMs: number, jobId: string | undefined): Promise<{ until: number; retries: number }> {
    if (!Number.isFinite(untilMs)) throw new InvalidPolitenessConfigError('cooldown needs a finite epoch ms');
    const { state } = keysOf(domain);
    // Without a job, KEYS[2] is never touched; the state key stands in (same Cluster slot).
    const keys = [state, jobId === undefined ? state : jobCooldownsKey(prefix, jobId)];
    const reply = await runScript(redis, COOLDOWN, keys, [Math.floor(untilMs), config.cooldownKeepMs, jobId === undefined ? '0' : '1', COOLDOWN_COUNTER_TTL_MS]);
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[2] !== 'number') throw new UnexpectedScriptReplyError('domain-cooldown', reply);
    return { until: reply[0], retries: reply[2] };
  }

  async function cooldown(domain: string, untilMs: number): Promise<number> {
    return (await runCooldown(domain, untilMs, undefined)).until;
  }

  function cooldownRetry(domain: string, untilMs: number, jobId: string): Promise<{ until: number; retries: number }> {
    if (jobId === '') throw new InvalidPolitenessConfigError('cooldownRetry needs a job id (it names the counter)');
    return runCooldown(domain, untilMs, jobId);
  }

  async function usage(domain: string): Promise<DomainUsage> {
    const reply = await runScript(redis, USAGE, keyList(keysOf(domain)), [
      defaultRates, defaultConcurrency, config.safetyMargin, config.claimGraceMs,
    ]);
    return parseUsageReply(domain, reply);
  }

  async function setLimits(domain: string, limits: DomainLimits | null): Promise<void> {
    const keys = keysOf(domain);
    if (limits === null) {
      await redis.del(keys.limits);
      return;
    }
    const parsed = domainLimitsSchema.safeParse(limits);
    if (!parsed.success) throw new InvalidPolitenessConfigError(`Invalid limits for ${domain}: ${parsed.error.message}`);
    // DEL then HSET in one transaction: a field the new body omits falls back to the default.
    await redis.multi().del(keys.limits).hset(keys.limits, domainLimitsToHash(parsed.data)).exec();
  }

  async function getLimits(domain: string): Promise<DomainLimits | undefined> {
    return domainLimitsFromHash(await redis.hgetall(keysOf(domain).limits));
  }

  async function cancel(domain: string, jobId: string): Promise<boolean> {
    return (await redis.zrem(keysOf(domain).log, `r:${jobId}`)) === 1;
  }

  return { acquire, release, cooldown, cooldownRetry, cancel, usage, setLimits, getLimits };
}
