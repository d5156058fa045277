/**
 * @module worker/src/politeness/robots-cache
 * Fleet-wide robots.txt cache: each origin's file is fetched by ONE worker per TTL (a Redis
 * lock plus in-process single-flight), stored in Redis for every worker, and memoised parsed
 * in each process for a short while so most checks cost no Redis command at all.
 */
import { randomUUID } from 'node:crypto';
import { robotsOrigin } from '../../../shared/domain-key.ts';
import { robotsKeys } from '../../../shared/domain-keys.ts';
import { DEFAULT_PREFIX } from '../../../shared/keys.ts';
import { createUndiciRobotsFetcher } from './robots-fetch.ts';
import { classifyRobotsStatus, parseRobots, type FetchRobots, type ParsedRobots, type RobotsOutcome } from './robots-policy.ts';
import { readEntry, storeEntry, type RobotsEntry } from './robots-store.ts';
import type { PolitenessRedis } from './run-script.ts';

export interface RobotsCacheOptions {
  redis: PolitenessRedis;
  /** Key prefix with a hash tag; `{quarry}` by default. */
  prefix?: string;
  /** Fetches `<origin>/robots.txt`; the default is undici without SSRF checks. */
  fetchRobots?: FetchRobots;
  /** How long a fetched file (or a 4xx) is trusted: RFC 9309 §2.4 says at most 24 h. */
  ttlMs?: number;
  /** How soon an unreachable robots.txt (5xx, 429, timeout) is tried again. */
  errorTtlMs?: number;
  /** While unreachable, a previous good copy fetched within this long is used instead of disallow-all. */
  staleIfErrorMs?: number;
  /** Lifetime of the fetch lock; must exceed the fetcher's own timeout. */
  lockTtlMs?: number;
  /** Pause between looks at Redis while another worker fetches. */
  pollMs?: number;
  /** How long a parsed file is reused in-process before Redis is asked again. */
  memoryTtlMs?: number;
  /** Most origins memoised in-process (oldest dropped first). */
  maxMemoryEntries?: number;
  /** Crawl-delay values above this are clamped (a hostile file must not stall a domain). */
  maxCrawlDelayMs?: number;
}

export interface RobotsDecision {
  readonly allowed: boolean;
  /** Crawl-delay for this user agent in ms (0 when none): pass as `acquire(..., { minIntervalMs })`. */
  readonly crawlDelayMs: number;
  readonly outcome: RobotsOutcome;
  /** HTTP status of the fetch behind the rules (0: no answer). */
  readonly status: number;
}

export interface RobotsCache {
  check(url: string | URL, userAgent: string): Promise<RobotsDecision>;
  isAllowed(url: string | URL, userAgent: string): Promise<boolean>;
  crawlDelayMs(url: string | URL, userAgent: string): Promise<number>;
}

const DEFAULTS = {
  prefix: DEFAULT_PREFIX, ttlMs: 24 * 3_600_000, errorTtlMs: 5 * 60_000, staleIfErrorMs: 24 * 3_600_000,
  lockTtlMs: 15_000, pollMs: 50, memoryTtlMs: 60_000, maxMemoryEntries: 10_000, maxCrawlDelayMs: 30_000,
};

interface Memo { entry: RobotsEntry; robots: ParsedRobots; until: number }

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRobotsCache(options: RobotsCacheOptions): RobotsCache {
  const config = { ...DEFAULTS, fetchRobots: createUndiciRobotsFetcher(), ...options };
  const { redis } = config;
  const memory = new Map<string, Memo>();
  const inflight = new Map<string, Promise<Memo>>();

  function remember(origin: string, entry: RobotsEntry): Memo {
    const memo = { entry, robots: parseRobots(origin, entry.outcome, entry.body), until: Math.min(entry.expiresAt, Date.now() + config.memoryTtlMs) };
    memory.delete(origin); // re-insert: Map order is the eviction order
    memory.set(origin, memo);
    if (memory.size > config.maxMemoryEntries) memory.delete(memory.keys().next().value!);
    return memo;
  }

  async function fetchEntry(origin: string, previous: RobotsEntry | undefined): Promise<RobotsEntry> {
    let status = 0;
    let body = '';
    try {
      ({ status, body } = await config.fetchRobots(new URL('/robots.txt', origin)));
    } catch {
      status = 0; // refused, reset, DNS failure, timeout: all "unreachable"
    }
    const now = Date.now();
    const outcome = classifyRobotsStatus(status);
    if (outcome !== 'unreachable') return { status, outcome, body, fetchedAt: now, expiresAt: now + config.ttlMs };
    if (previous && previous.outcome !== 'unreachable' && now - previous.fetchedAt <= config.staleIfErrorMs) {
      return { ...previous, expiresAt: now + config.errorTtlMs }; // keep the good copy, retry soon
    }
    return { status, outcome, body: '', fetchedAt: now, expiresAt: now + config.errorTtlMs };
  }

  /** Waits for the worker holding the lock; undefined when it gave up without storing anything. */
  async function awaitPeer(origin: string): Promise<RobotsEntry | undefined> {
    const keys = robotsKeys(config.prefix, origin);
    const deadline = Date.now() + config.lockTtlMs;
    while (Date.now() < deadline) {
      await sleep(config.pollMs);
      const entry = await readEntry(redis, keys.entry);
      if (entry && entry.expiresAt > Date.now()) return entry;
      if ((await redis.exists(keys.lock)) === 0) return undefined;
    }
    return undefined;
  }

  async function load(origin: string): Promise<Memo> {
    const keys = robotsKeys(config.prefix, origin);
    const cached = await readEntry(redis, keys.entry);
    if (cached && cached.expiresAt > Date.now()) return remember(origin, cached);
    const token = randomUUID();
    const locked = (await redis.set(keys.lock, token, 'PX', config.lockTtlMs, 'NX')) === 'OK';
    if (!locked) {
      const fromPeer = await awaitPeer(origin);
      if (fromPeer) return remember(origin, fromPeer);
      // The peer died or is stuck: fetch ourselves rather than block the job.
    }
    try {
      const entry = await fetchEntry(origin, cached);
      await storeEntry(redis, keys.entry, entry, config.staleIfErrorMs);
      return remember(origin, entry);
    } finally {
      // A plain DEL: the lock outlives the fetch timeout, so it is still ours here.
      if (locked) await redis.del(keys.lock);
    }
  }

  function memoFor(origin: string): Promise<Memo> {
    const memo = memory.get(origin);
    if (memo && memo.until > Date.now()) return Promise.resolve(memo);
    let pending = inflight.get(origin);
    if (!pending) {
      pending = load(origin).finally(() => inflight.delete(origin));
      inflight.set(origin, pending);
    }
    return pending;
  }

  async function check(url: string | URL, userAgent: string): Promise<RobotsDecision> {
    const target = typeof url === 'string' ? new URL(url) : url;
    const { entry, robots } = await memoFor(robotsOrigin(target));
    const delaySeconds = robots.getCrawlDelay(userAgent);
    const crawlDelayMs = delaySeconds === undefined || !(delaySeconds > 0) ? 0 : Math.min(Math.round(delaySeconds * 1000), config.maxCrawlDelayMs);
    // robots-parser answers undefined for another origin; ours is always the same one.
    return { allowed: robots.isAllowed(target.href, userAgent) !== false, crawlDelayMs, outcome: entry.outcome, status: entry.status };
  }

  return {
    check,
    isAllowed: async (url, userAgent) => (await check(url, userAgent)).allowed,
    crawlDelayMs: async (url, userAgent) => (await check(url, userAgent)).crawlDelayMs,
  };
}
