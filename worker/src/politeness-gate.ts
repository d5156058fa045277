/**
 * @module worker/politeness-gate
 * What the processor asks before and after it touches a site: robots.txt (fleet cache), the
 * domain's rate/concurrency/cooldown (one Lua call), and a fleet-wide cooldown when the site
 * answers 429/503. A throttled job, or one whose site's robots.txt is unreachable, waits in
 * BullMQ's delayed set without spending an attempt; it never blocks a worker slot or polls.
 */
import { domainKey } from '../../shared/domain-key.ts';
import type { JobRequest } from '../../shared/job-schema.ts';
import { TransientHttpStatusError } from './errors/fetch-errors.ts';
import {
  DomainCoolingDownError, DomainThrottledError, RobotsDisallowedError, RobotsUnreachableError, RobotsUnreachableTooLongError,
} from './politeness/gate-errors.ts';
import type { DomainLimiter, RobotsCache } from './politeness/index.ts';

export {
  DomainCoolingDownError, DomainThrottledError, RobotsDisallowedError, RobotsUnreachableError, RobotsUnreachableTooLongError,
} from './politeness/gate-errors.ts';

export interface PolitenessGateOptions {
  limiter: DomainLimiter;
  robots?: RobotsCache;
  /**
   * How long an origin's robots.txt may stay unreachable (from the first failed fetch, kept in
   * the fleet's robots entry) before its jobs fail; until then they wait without spending attempts.
   */
  robotsUnreachableMaxMs?: number;
  /** Pause after a 429/503 without a usable Retry-After. */
  defaultCooldownMs: number;
  /**
   * Free (attempt-less) retries a job gets for a site's Retry-After before retries spend
   * attempts again: a site that always answers 503 + Retry-After must not keep a job forever.
   * Counted per job in Redis (only cooldowns count: throttle deferrals and hand-backs do not).
   */
  maxCooldownRetries: number;
  /** Runs first (the SSRF check): a refused URL costs no robots fetch and no slot. */
  checkUrl?: (url: URL) => Promise<unknown>;
  onThrottled?: (domain: string, reason: string) => void;
}

export interface GatePass {
  jobId: string;
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
   * without spending an attempt (up to maxCooldownRetries times, counted per job in the same
   * script call); without one it is an ordinary retry that also waits out the pause.
   */
  onError(pass: GatePass, error: unknown): Promise<unknown>;
}

/** A deferred job comes back this long after the robots re-check, plus up to 10 % of its wait (spread). */
const RECHECK_PAD_MS = 1_000;

export function createPolitenessGate(options: PolitenessGateOptions): PolitenessGate {
  const { limiter, robots, defaultCooldownMs, maxCooldownRetries, checkUrl, onThrottled } = { ...options };
  const unreachableMaxMs = options.robotsUnreachableMaxMs ?? 24 * 3_600_000;

  /** robots.txt's verdict on `url`: its Crawl-delay, or one of the robots errors. */
  async function robotsCrawlDelay(url: string, ignoreRobots: boolean): Promise<number> {
    if (!robots || ignoreRobots) return 0;
    const decision = await robots.check(url);
    if (decision.allowed) return decision.crawlDelayMs;
    if (decision.outcome !== 'unreachable') throw new RobotsDisallowedError(url, decision.truncated);
    // RFC 9309: disallow while unreachable. Wait for the fleet's next try, never past the limit.
    const now = Date.now();
    const since = decision.unreachableSince ?? now;
    if (now - since >= unreachableMaxMs) throw new RobotsUnreachableTooLongError(url, decision.status, since, unreachableMaxMs);
    const untilRecheck = Math.max(0, decision.recheckAt - now);
    const wait = untilRecheck + RECHECK_PAD_MS + Math.random() * 0.1 * untilRecheck;
    throw new RobotsUnreachableError(url, decision.status, Math.min(wait, since + unreachableMaxMs - now + RECHECK_PAD_MS));
  }

  return {
    async enter(jobId, request, firstStart = false) {
      await checkUrl?.(new URL(request.url));
      const domain = domainKey(request.url);
      const minIntervalMs = await robotsCrawlDelay(request.url, request.ignoreRobots === true);
      const result = await limiter.acquire(domain, jobId, { minIntervalMs, firstStart });
      if (!result.granted) {
        onThrottled?.(domain, result.reason);
        throw new DomainThrottledError(domain, result.reason, Math.max(0, result.retryAt - Date.now()));
      }
      return { jobId, domain, urlChecked: checkUrl !== undefined, release: async () => { await result.release(); } };
    },
    async onError(pass, error) {
      if (!(error instanceof TransientHttpStatusError) || (error.status !== 429 && error.status !== 503)) return error;
      const untilMs = Date.now() + (error.retryAfterMs ?? defaultCooldownMs);
      if (error.retryAfterMs === undefined || maxCooldownRetries === 0) {
        await limiter.cooldown(pass.domain, untilMs);
        return error;
      }
      const { until, retries } = await limiter.cooldownRetry(pass.domain, untilMs, pass.jobId);
      if (retries > maxCooldownRetries) return error;
      return new DomainCoolingDownError(pass.domain, error.status, Math.max(0, until - Date.now()));
    },
  };
}
