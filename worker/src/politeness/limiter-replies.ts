/**
 * @module worker/src/politeness/limiter-replies
 * Result types of the domain limiter and the parsers turning raw script replies into them
 * (the usage view is shared with the edge: shared/domain-usage.ts).
 */
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

export { parseUsageReply, type DomainUsage } from '../../../shared/domain-usage.ts';
