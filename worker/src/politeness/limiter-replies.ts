/**
 * @module worker/src/politeness/limiter-replies
 * Result types of the domain limiter and the parsers turning raw script replies into them.
 */
import type { RateWindow } from '../../../shared/domain-limits.ts';
import { UnexpectedScriptReplyError } from './errors.ts';

/** Why a job may not run yet. */
export type DenyReason = 'rate' | 'concurrency' | 'cooldown';
const REASONS: ReadonlySet<string> = new Set<DenyReason>(['rate', 'concurrency', 'cooldown']);

export interface AcquireGranted {
  readonly granted: true;
  /** Names the concurrency lease; `release()` ends it. Empty on a domain without a cap (no lease). */
  readonly leaseId: string;
  /** Redis-clock epoch ms at which the request was allowed to start (acquire waited for it). */
  readonly grantedAt: number;
  /**
   * The slot the grant occupies in the domain's log (≤ grantedAt: later by at most the claim
   * grace when a job came back late). The site sees no violation as long as every request
   * arrives within `slotAt + safetyMargin × perMs + claimGraceMs`.
   */
  readonly slotAt: number;
  /** How long acquire waited in-process for the slot, ms. */
  readonly waitedMs: number;
  /** Ends the lease; resolves false when it had already expired. Call on success AND failure (free without a lease). */
  release(): Promise<boolean>;
}

export interface AcquireDenied {
  readonly granted: false;
  readonly reason: DenyReason;
  /** Redis-clock epoch ms of the slot this job now holds. */
  readonly eligibleAt: number;
  /** `eligibleAt` minus Redis's clock at decision time, ms (clock-skew free). */
  readonly delayMs: number;
  /** Local epoch ms to pass to `job.moveToDelayed`: the slot minus `returnEarlyMs`. */
  readonly retryAt: number;
}

export type AcquireResult = AcquireGranted | AcquireDenied;

/** Raw decision of domain-acquire-4. */
export type RawDecision =
  | { granted: true; at: number; now: number; leaseId: string; slot: number }
  | { granted: false; hold: boolean; at: number; now: number; reason: DenyReason };

export function parseAcquireReply(reply: unknown): RawDecision {
  if (Array.isArray(reply)) {
    const [status, at, now, last, slot] = reply as unknown[];
    if (typeof at === 'number' && typeof now === 'number' && typeof last === 'string') {
      if (status === 1 && typeof slot === 'number' && reply.length === 5) return { granted: true, at, now, leaseId: last, slot };
      // 2: the job holds a slot close enough to sleep to in-process, then claim (capped domains).
      if ((status === 0 || status === 2) && REASONS.has(last) && reply.length === 4) {
        return { granted: false, hold: status === 2, at, now, reason: last as DenyReason };
      }
    }
  }
  throw new UnexpectedScriptReplyError('domain-acquire', reply);
}

/** A point-in-time view of one domain (for the API and metrics). */
export interface DomainUsage {
  readonly domain: string;
  /** Redis-clock epoch ms of the snapshot. */
  readonly now: number;
  /** True when the domain has an override hash (some limits are not the defaults). */
  readonly overridden: boolean;
  /** Each window with the grants (and due reservations) in its last `perMs`. */
  readonly windows: ReadonlyArray<RateWindow & { used: number }>;
  /** 0 means no cap. */
  readonly concurrency: number;
  readonly activeLeases: number;
  /** Epoch ms until which the domain is paused, or null. */
  readonly cooldownUntil: number | null;
  /** Moving average of how long a lease is held, ms (0 before the first release). */
  readonly holdMs: number;
  /** Slots reserved in the future: roughly the domain's deferred backlog. */
  readonly reservedAhead: number;
  /** Earliest slot a new job would get now. */
  readonly nextSlotAt: number;
}

export function parseUsageReply(domain: string, reply: unknown): DomainUsage {
  const values = Array.isArray(reply) ? (reply as unknown[]) : [];
  if (values.length < 8 || (values.length - 8) % 3 !== 0 || !values.every((value) => typeof value === 'number')) {
    throw new UnexpectedScriptReplyError('domain-usage', reply);
  }
  const numbers = values as number[];
  const [now, overridden, concurrency, activeLeases, cooldownUntil, holdMs, reservedAhead, nextSlotAt] = numbers as [
    number, number, number, number, number, number, number, number,
  ];
  const windows: Array<RateWindow & { used: number }> = [];
  for (let index = 8; index < numbers.length; index += 3) {
    windows.push({ max: numbers[index]!, perMs: numbers[index + 1]!, used: numbers[index + 2]! });
  }
  return {
    domain, now, overridden: overridden === 1, windows, concurrency, activeLeases,
    cooldownUntil: cooldownUntil > now ? cooldownUntil : null, holdMs, reservedAhead, nextSlotAt,
  };
}
