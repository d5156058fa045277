/**
 * @module worker/src/politeness/gate-errors
 * What the politeness gate throws, one class per meaning; the base class is the retry policy
 * (worker/src/errors/retry-policy.ts).
 */
import { NonRetryableError, RetryLaterError } from '../errors/index.ts';

const statusText = (status: number) => (status === 0 ? 'no answer' : `HTTP ${status}`);

export class RobotsDisallowedError extends NonRetryableError {
  constructor(url: string, truncated = false) {
    super(`robots.txt disallows ${url} for this user agent${truncated ? ' (its rules for us pass the 64 KiB cap; past the cap everything is disallowed)' : ''}`);
  }
}

/**
 * robots.txt could not be read (5xx, 429, network error, timeout). RFC 9309 §2.3.1.4:
 * assume complete disallow while it is unreachable. The job waits in the delayed set, without
 * spending an attempt, until the fleet asks the site again.
 */
export class RobotsUnreachableError extends RetryLaterError {
  constructor(url: string, status: number, retryAfterMs: number) {
    super(`robots.txt for ${new URL(url).origin} is unreachable (${statusText(status)}): no page is fetched until it answers; the job waits ${Math.round(retryAfterMs / 1000)} s without spending an attempt`, retryAfterMs);
  }
}

/** robots.txt stayed unreachable longer than `QUARRY_ROBOTS_UNREACHABLE_MAX_MS`: the job fails for good. */
export class RobotsUnreachableTooLongError extends NonRetryableError {
  constructor(url: string, status: number, since: number, maxMs: number) {
    super(`robots.txt for ${new URL(url).origin} has been unreachable since ${new Date(since).toISOString()} (last try: ${statusText(status)}), longer than QUARRY_ROBOTS_UNREACHABLE_MAX_MS=${maxMs}: the job gives up without fetching the page`);
  }
}

/** The domain is over its limit, in cooldown or at its concurrency cap: run again at its slot. */
export class DomainThrottledError extends RetryLaterError {
  readonly domain: string;
  readonly reason: string;
  constructor(domain: string, reason: string, retryAfterMs: number) {
    super(`Domain ${domain} is throttled (${reason}); the job waits for its slot`, retryAfterMs);
    this.domain = domain;
    this.reason = reason;
  }
}

/** The site asked the fleet to back off (429/503). */
export class DomainCoolingDownError extends RetryLaterError {
  constructor(domain: string, status: number, retryAfterMs: number) {
    super(`Domain ${domain} answered ${status}: the fleet pauses it for ${retryAfterMs} ms`, retryAfterMs);
  }
}
