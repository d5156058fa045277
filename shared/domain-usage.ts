/**
 * @module shared/domain-usage
 * A domain's politeness usage as the read-only `domain-usage` script reports it: what the
 * workers' limiter (`DomainLimiter.usage`, the scaling signal) and the edge's
 * `GET /v1/domains/:host` both read. Lives here because the edge imports only shared/.
 */
import type { RateWindow } from './domain-limits.ts';

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

/** The script answered something this code does not understand (version skew between files). */
export class UnexpectedUsageReplyError extends Error {
  override name = 'UnexpectedUsageReplyError';
  readonly reply: unknown;
  constructor(reply: unknown) {
    super(`Unexpected reply from domain-usage: ${JSON.stringify(reply)?.slice(0, 200)}`);
    this.reply = reply;
  }
}

/**
 * Parses domain-usage-4's reply: 8 numbers (now, overridden, concurrency, active leases,
 * cooldown-until, hold ms, reserved ahead, next slot), then `max, perMs, used` per window.
 */
export function parseUsageReply(domain: string, reply: unknown): DomainUsage {
  const values = Array.isArray(reply) ? (reply as unknown[]) : [];
  if (values.length < 8 || (values.length - 8) % 3 !== 0 || !values.every((value) => typeof value === 'number')) {
    throw new UnexpectedUsageReplyError(reply);
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
