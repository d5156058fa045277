/**
 * @module worker/politeness-gate
 * What the processor asks before and after it touches a site: robots.txt (fleet cache), the
 * domain's rate/concurrency/cooldown (one Lua call), and a fleet-wide cooldown when the site
 * answers 429/503. A throttled job waits in BullMQ's delayed set for its reserved slot without
 * spending an attempt; it never blocks a worker slot or polls.
 */
import { domainKey } from '../../shared/domain-key.ts';
import type { JobRequest } from '../../shared/job-schema.ts';
import { NonRetryableError, RetryLaterError, RetryableError } from './errors/index.ts';
import { TransientHttpStatusError } from './errors/fetch-errors.ts';
import type { DomainLimiter, RobotsCache } from './politeness/index.ts';

export class RobotsDisallowedError extends NonRetryableError {
  constructor(url: string) {
    super(`robots.txt disallows ${url} for this user agent`);
  }
}

/**
 * robots.txt could not be read (5xx, 429, network error, timeout). RFC 9309 §2.3.1.4 says to
 * assume complete disallow, but only until it answers: an ordinary retry after the backoff,
 * not a final "disallowed" (the cache asks the site again after its error TTL).
 */
export class RobotsUnreachableError extends RetryableError {
  constructor(url: string, status: number) {
    super(`robots.txt for ${new URL(url).origin} is unreachable (${status === 0 ? 'no answer' : `HTTP ${status}`}): no page is fetched until it answers; the job is retried`);
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

export interface PolitenessGateOptions {
  limiter: DomainLimiter;
  robots?: RobotsCache;
  userAgent: string;
  /** Pause after a 429/503 without a usable Retry-After. */
  defaultCooldownMs: number;
  /**
   * Free (attempt-less) retries a job gets for a site's Retry-After before retries spend
   * attempts again: a site that always answers 503 + Retry-After must not keep a job forever.
   */
  maxCooldownRetries: number;
  /** Runs first (the SSRF check): a refused URL costs no robots fetch and no slot. */
  checkUrl?: (url: URL) => Promise<unknown>;
  onThrottled?: (domain: string, reason: string) => void;
}

export interface GatePass {
  domain: string;
  /** The gate ran `checkUrl` on the request's URL: the fetcher need not run it again. */
  urlChecked: boolean;
  release(): Promise<void>;
}

export interface PolitenessGate {
  /**
   * Throws RobotsDisallowedError or DomainThrottledError; otherwise hold the pass while fetching.
   * `firstStart`: the job's first time active, so it holds no reserved slot yet.
   */
  enter(jobId: string, request: JobRequest, firstStart?: boolean): Promise<GatePass>;
  /**
   * A 429/503 pauses the domain for the fleet. With a Retry-After the job returns after it
   * without spending an attempt (up to maxCooldownRetries times; `freeRetries` is how many it
   * has had); without one it is an ordinary retry that also waits out the pause.
   */
  onError(pass: GatePass, error: unknown, freeRetries: number): Promise<unknown>;
}

export function createPolitenessGate(options: PolitenessGateOptions): PolitenessGate {
  const { limiter, robots, userAgent, defaultCooldownMs, maxCooldownRetries, checkUrl, onThrottled } = { ...options };
  return {
    async enter(jobId, request, firstStart = false) {
      await checkUrl?.(new URL(request.url));
      const domain = domainKey(request.url);
      let minIntervalMs = 0;
      if (robots && !request.ignoreRobots) {
        const decision = await robots.check(request.url, userAgent);
        if (!decision.allowed) {
          throw decision.outcome === 'unreachable' ? new RobotsUnreachableError(request.url, decision.status) : new RobotsDisallowedError(request.url);
        }
        minIntervalMs = decision.crawlDelayMs;
      }
      const result = await limiter.acquire(domain, jobId, { minIntervalMs, firstStart });
      if (!result.granted) {
        onThrottled?.(domain, result.reason);
        throw new DomainThrottledError(domain, result.reason, Math.max(0, result.retryAt - Date.now()));
      }
      return { domain, urlChecked: checkUrl !== undefined, release: async () => { await result.release(); } };
    },
    async onError(pass, error, freeRetries) {
      if (!(error instanceof TransientHttpStatusError) || (error.status !== 429 && error.status !== 503)) return error;
      const until = await limiter.cooldown(pass.domain, Date.now() + (error.retryAfterMs ?? defaultCooldownMs));
      if (error.retryAfterMs === undefined || freeRetries >= maxCooldownRetries) return error;
      return new DomainCoolingDownError(pass.domain, error.status, Math.max(0, until - Date.now()));
    },
  };
}
