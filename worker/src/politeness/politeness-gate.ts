/**
 * @module worker/politeness/politeness-gate
 * What the acquire stage (pipeline/acquire/) asks before and after a job touches a site: robots.txt (fleet cache), the
 * domain's rate/concurrency/cooldown (one Lua call), and a fleet-wide cooldown when the site
 * answers 429/503. A throttled job, or one whose site's robots.txt is unreachable, waits in
 * BullMQ's delayed set without spending an attempt; it never blocks a worker slot or polls.
 */
import { domainKey } from '../../../shared/domain-key.ts';
import type { JobRequest } from '../../../shared/job-schema.ts';
import { TransientHttpStatusError } from '../errors/fetch-errors.ts';
import {
  DomainCoolingDownError, DomainThrottledError, RobotsDisallowedError, RobotsUnreachableError, RobotsUnreachableTooLongError,
} from './gate-errors.ts';
import type { DomainLimiter } from './domain-limiter.ts';
import type { AcquireGranted } from './limiter-replies.ts';
import type { RobotsCache } from './robots-cache.ts';

export {
  DomainCoolingDownError, DomainThrottledError, RobotsDisallowedError, RobotsUnreachableError, RobotsUnreachableTooLongError,
} from './gate-errors.ts';

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
  /**
   * A redirect hop whose slot is at most this far ahead (and within a quarter of the job's
   * timeout) is waited for in-process; a later one defers the whole job. Default 2 s.
   */
  hopWaitMs?: number;
  /** Runs first (the SSRF check): a refused URL costs no robots fetch and no slot. */
  checkUrl?: (url: URL) => Promise<unknown>;
  onThrottled?: (domain: string, reason: string) => void;
}

export interface GatePass {
  jobId: string;
  /** Domain of the latest request the job was let through to (the first, or a redirect hop's). */
  readonly domain: string;
  /** The gate ran `checkUrl` on the request's URL: the fetcher need not run it again. */
  urlChecked: boolean;
  /**
   * A redirect hop or a later main-frame navigation of the same job: robots.txt of the hop's
   * origin, and a slot of its domain unless the job already holds one (same rules and errors as
   * `enter`: a close slot is waited for in-process, a far one defers the whole job).
   */
  hop(url: URL): Promise<void>;
  /** Ends every lease the job took (its domain's and each hop domain's). */
  release(): Promise<void>;
}

export interface PolitenessGate {
  /** The fleet's robots.txt cache the gate asks (none when robots.txt is not respected): crawls check links with it. */
  readonly robots?: RobotsCache;
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
/**
 * A job deferred for a redirect hop's slot returns this much (at most half the hop wait bound)
 * plus its way to the hop (the first request, the redirect) before the slot: arriving early it
 * waits in-process (hopWaitMs); arriving late it would lose the slot, and every retry of a slow
 * chain would lose it again.
 */
const HOP_EARLY_MS = 500;
const HOP_CLAIM_ROUNDS = 3;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPolitenessGate(options: PolitenessGateOptions): PolitenessGate {
  const { limiter, robots, defaultCooldownMs, maxCooldownRetries, checkUrl, onThrottled } = { ...options };
  const unreachableMaxMs = options.robotsUnreachableMaxMs ?? 24 * 3_600_000;
  const hopWaitMs = options.hopWaitMs ?? 2_000;

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

  /** A slot of `domain` for `jobId`, or DomainThrottledError with the time of the one reserved for it. */
  async function slot(domain: string, jobId: string, minIntervalMs: number, firstStart: boolean): Promise<AcquireGranted> {
    const result = await limiter.acquire(domain, jobId, { minIntervalMs, firstStart });
    if (result.granted) return result;
    onThrottled?.(domain, result.reason);
    throw new DomainThrottledError(domain, result.reason, Math.max(0, result.retryAt - Date.now()));
  }

  /**
   * A slot of a redirect hop's domain: granted within the limiter's in-process wait, or slept
   * to when it is at most `waitBoundMs` away (then claimed), else DomainThrottledError aimed
   * `wayToHopMs` + HOP_EARLY_MS before the slot (the job holds a reservation there).
   */
  async function hopSlot(domain: string, jobId: string, minIntervalMs: number, waitBoundMs: number, wayToHopMs: number): Promise<AcquireGranted> {
    for (let round = 1; ; round += 1) {
      // The job may hold a slot reserved by an earlier deferral here: never a first start.
      const result = await limiter.acquire(domain, jobId, { minIntervalMs, firstStart: false });
      if (result.granted) return result;
      if (result.delayMs > waitBoundMs || round >= HOP_CLAIM_ROUNDS) {
        onThrottled?.(domain, result.reason);
        // Early by at most half the wait bound, so the return lands inside it.
        const early = wayToHopMs + Math.min(HOP_EARLY_MS, waitBoundMs / 2);
        throw new DomainThrottledError(domain, result.reason, Math.max(0, result.retryAt - Date.now() - early));
      }
      await sleep(Math.max(0, result.retryAt - Date.now())); // to just before the slot, then claim it
    }
  }

  return {
    ...(robots ? { robots } : {}),
    async enter(jobId, request, firstStart = false) {
      const enteredAt = Date.now();
      await checkUrl?.(new URL(request.url));
      const ignoreRobots = request.ignoreRobots === true;
      const first = domainKey(request.url);
      const granted = new Map([[first, await slot(first, jobId, await robotsCrawlDelay(request.url, ignoreRobots), firstStart)]]);
      let domain = first;
      return {
        jobId,
        get domain() { return domain; },
        urlChecked: checkUrl !== undefined,
        async hop(url) {
          const hopDomain = domainKey(url);
          const minIntervalMs = await robotsCrawlDelay(url.href, ignoreRobots);
          if (!granted.has(hopDomain)) {
            const waitBoundMs = Math.min(hopWaitMs, request.timeoutMs / 4); // the wait runs on the job's deadline
            granted.set(hopDomain, await hopSlot(hopDomain, jobId, minIntervalMs, waitBoundMs, Date.now() - enteredAt));
          }
          domain = hopDomain;
        },
        async release() { await Promise.all([...granted.values()].map((lease) => lease.release())); },
      };
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
