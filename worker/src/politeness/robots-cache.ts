/**
 * @module worker/src/politeness/robots-cache
 * Fleet-wide robots.txt cache: each origin's file is fetched by ONE worker per TTL (a Redis
 * lock plus in-process single-flight), stored compacted in the result store for every worker
 * (robots-store.ts), and memoised parsed in each process for a short while so most checks cost
 * no Redis command at all. The memo is bounded by bytes and entries, and swept by time.
 */
import { randomUUID } from 'node:crypto';
import { robotsOrigin } from '../../../shared/domain-key.ts';
import { robotsKeys } from '../../../shared/domain-keys.ts';
import { DEFAULT_PREFIX } from '../../../shared/keys.ts';
import { compactRobots, robotsAgentToken, ROBOTS_MAX_STORED_BYTES } from './robots-compact.ts';
import { createUndiciRobotsFetcher } from './robots-fetch.ts';
import { classifyRobotsStatus, parseRobots, type FetchRobots, type ParsedRobots, type RobotsOutcome } from './robots-policy.ts';
import { readEntry, storeEntry, type RobotsEntry } from './robots-store.ts';
import type { PolitenessRedis } from './run-script.ts';

export interface RobotsCacheOptions {
  /** Where the fleet's copies live: the RESULT STORE client (evictable), not the broker. */
  redis: PolitenessRedis;
  /** Our User-Agent; its token (`QuarryBot/0.1` → `quarrybot`) picks the groups that apply. */
  userAgent: string;
  /** Key prefix with a hash tag; `{quarry}` by default. */
  prefix?: string;
  /** Fetches `<origin>/robots.txt`; the default is undici without SSRF checks. */
  fetchRobots?: FetchRobots;
  /** How long a fetched file (or a 4xx) is trusted: RFC 9309 §2.4 says at most 24 h. */
  ttlMs?: number;
  /** How soon an unreachable robots.txt (5xx, 429, timeout) is first tried again; doubles per failure in a row. */
  errorTtlMs?: number;
  /** Longest pause between two tries of an unreachable robots.txt. */
  maxErrorTtlMs?: number;
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
  /** Estimated heap the memo may hold (parsed rules ≈ 4 bytes per byte of compact text). */
  maxMemoryBytes?: number;
  /** Stored size cap of one origin's compact rules (robots-compact.ts). */
  maxStoredBytes?: number;
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
  /** Epoch ms since which the origin has been unreachable (kept in the shared entry), or null. */
  readonly unreachableSince: number | null;
  /** Epoch ms at which the fleet asks the site again (an unreachable file: the next try). */
  readonly recheckAt: number;
  /** The compact rules were cut at the size cap (past it, the agents' rules end in `Disallow: /`). */
  readonly truncated: boolean;
}

export interface RobotsCache {
  check(url: string | URL): Promise<RobotsDecision>;
  isAllowed(url: string | URL): Promise<boolean>;
  crawlDelayMs(url: string | URL): Promise<number>;
  /** The `Sitemap:` URLs of the robots.txt governing `url` (as its compact copy keeps them; none when unreachable). */
  sitemaps(url: string | URL): Promise<string[]>;
  /** Origins and estimated bytes memoised now (for tests and metrics). */
  memoryUsage(): { entries: number; bytes: number };
}

const DEFAULTS = {
  prefix: DEFAULT_PREFIX, ttlMs: 24 * 3_600_000, errorTtlMs: 5 * 60_000, maxErrorTtlMs: 3_600_000, staleIfErrorMs: 24 * 3_600_000,
  lockTtlMs: 15_000, pollMs: 50, memoryTtlMs: 60_000, maxMemoryEntries: 10_000, maxMemoryBytes: 32 * 1024 * 1024,
  maxStoredBytes: ROBOTS_MAX_STORED_BYTES, maxCrawlDelayMs: 30_000,
};

interface Memo { entry: RobotsEntry; robots: ParsedRobots; until: number; bytes: number }

/** Heap estimate of one memo: the compact text plus its parse (measured ≈ 2.7 bytes per byte) and fixed overhead. */
const memoBytes = (rules: string) => 2048 + 4 * rules.length;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRobotsCache(options: RobotsCacheOptions): RobotsCache {
  const config = { ...DEFAULTS, fetchRobots: createUndiciRobotsFetcher(), ...options };
  const { redis } = config;
  const agent = robotsAgentToken(config.userAgent);
  const memory = new Map<string, Memo>();
  const inflight = new Map<string, Promise<Memo>>();
  let memoryBytes = 0;
  let nextSweep = 0;

  function forget(origin: string): void {
    const memo = memory.get(origin);
    if (!memo) return;
    memory.delete(origin);
    memoryBytes -= memo.bytes;
  }

  /** Drops expired memos, at most once per memoryTtlMs (count and byte caps are enforced on insert). */
  function sweep(now: number): void {
    if (now < nextSweep) return;
    nextSweep = now + config.memoryTtlMs;
    for (const [origin, memo] of memory) if (memo.until <= now) forget(origin);
  }

  function remember(origin: string, entry: RobotsEntry): Memo {
    const memo: Memo = {
      entry, robots: parseRobots(origin, entry.outcome, entry.rules), until: Math.min(entry.expiresAt, Date.now() + config.memoryTtlMs),
      bytes: memoBytes(entry.rules),
    };
    forget(origin); // re-insert: Map order is the eviction order
    memory.set(origin, memo);
    memoryBytes += memo.bytes;
    while (memory.size > config.maxMemoryEntries || (memoryBytes > config.maxMemoryBytes && memory.size > 1)) forget(memory.keys().next().value!);
    return memo;
  }

  function retryDelayMs(failures: number): number {
    return Math.min(config.errorTtlMs * 2 ** Math.min(Math.max(failures - 1, 0), 20), Math.max(config.maxErrorTtlMs, config.errorTtlMs));
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
    if (outcome !== 'unreachable') {
      const { rules, truncated } = outcome === 'parsed' ? compactRobots(body, config.userAgent, config.maxStoredBytes) : { rules: '', truncated: false };
      return { status, outcome, rules, agent, truncated, fetchedAt: now, expiresAt: now + config.ttlMs, unreachableSince: 0, failures: 0 };
    }
    // The outage started at the first failed fetch; it survives stale copies and re-checks.
    const same = previous?.agent === agent ? previous : undefined;
    const unreachableSince = same && same.unreachableSince > 0 ? same.unreachableSince : now;
    const failures = (same?.failures ?? 0) + 1;
    const expiresAt = now + retryDelayMs(failures);
    if (same && same.outcome !== 'unreachable' && now - same.fetchedAt <= config.staleIfErrorMs) {
      return { ...same, expiresAt, unreachableSince, failures }; // keep the good copy, retry later
    }
    return { status, outcome, rules: '', agent, truncated: false, fetchedAt: now, expiresAt, unreachableSince, failures };
  }

  /** Waits for the worker holding the lock; undefined when it gave up without storing anything. */
  async function awaitPeer(origin: string): Promise<RobotsEntry | undefined> {
    const keys = robotsKeys(config.prefix, origin);
    const deadline = Date.now() + config.lockTtlMs;
    while (Date.now() < deadline) {
      await sleep(config.pollMs);
      const entry = await readEntry(redis, keys.entry);
      if (entry && entry.agent === agent && entry.expiresAt > Date.now()) return entry;
      if ((await redis.exists(keys.lock)) === 0) return undefined;
    }
    return undefined;
  }

  async function load(origin: string): Promise<Memo> {
    const keys = robotsKeys(config.prefix, origin);
    const cached = await readEntry(redis, keys.entry);
    if (cached && cached.agent === agent && cached.expiresAt > Date.now()) return remember(origin, cached);
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
    const now = Date.now();
    sweep(now);
    const memo = memory.get(origin);
    if (memo && memo.until > now) return Promise.resolve(memo);
    let pending = inflight.get(origin);
    if (!pending) {
      pending = load(origin).finally(() => inflight.delete(origin));
      inflight.set(origin, pending);
    }
    return pending;
  }

  async function check(url: string | URL): Promise<RobotsDecision> {
    const target = typeof url === 'string' ? new URL(url) : url;
    const { entry, robots } = await memoFor(robotsOrigin(target));
    const delaySeconds = robots.getCrawlDelay(config.userAgent);
    const crawlDelayMs = delaySeconds === undefined || !(delaySeconds > 0) ? 0 : Math.min(Math.round(delaySeconds * 1000), config.maxCrawlDelayMs);
    return {
      // robots-parser answers undefined for another origin; ours is always the same one.
      allowed: robots.isAllowed(target.href, config.userAgent) !== false, crawlDelayMs, outcome: entry.outcome, status: entry.status,
      unreachableSince: entry.unreachableSince > 0 ? entry.unreachableSince : null, recheckAt: entry.expiresAt, truncated: entry.truncated,
    };
  }

  return {
    check,
    isAllowed: async (url) => (await check(url)).allowed,
    crawlDelayMs: async (url) => (await check(url)).crawlDelayMs,
    async sitemaps(url) {
      const { robots } = await memoFor(robotsOrigin(typeof url === 'string' ? new URL(url) : url));
      return robots.getSitemaps();
    },
    memoryUsage: () => ({ entries: memory.size, bytes: memoryBytes }),
  };
}
