import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { robotsKeys } from '../../shared/domain-keys.ts';
import { createRobotsCache, type FetchRobots, type RobotsCacheOptions } from '../../worker/src/politeness/index.ts';
import { startRedisFixture, type RedisFixture } from './redis-fixture.ts';

let fixture: RedisFixture;
beforeAll(async () => { fixture = await startRedisFixture('robots'); });
afterEach(async () => { await fixture.cleanup(); });
afterAll(async () => { await fixture?.stop(); });

const UA = 'QuarryBot/1.0';
const ROBOTS = ['User-agent: *', 'Disallow: /private', '', 'User-agent: quarrybot', 'Disallow: /no-bots', 'Crawl-delay: 2'].join('\n');
const ORIGIN = 'http://127.0.0.2:8080';

/** A fetcher answering from a list of responses (the last one repeats), counting calls. */
function scripted(...answers: Array<{ status: number; body?: string } | Error>) {
  const calls: string[] = [];
  const fetchRobots: FetchRobots = async (url) => {
    calls.push(url.href);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return { status: answer.status, body: answer.body ?? '' };
  };
  return { calls, fetchRobots };
}
const cacheWith = (options: Partial<RobotsCacheOptions> & { fetchRobots: FetchRobots }, prefix = fixture.prefix()) =>
  createRobotsCache({ redis: fixture.redis, prefix, userAgent: UA, ...options });

describe('robots cache: RFC 9309 outcomes', () => {
  it('applies a 200 file for the matching user agent, with its Crawl-delay', async () => {
    const { calls, fetchRobots } = scripted({ status: 200, body: ROBOTS });
    const robots = cacheWith({ fetchRobots });
    expect(await robots.isAllowed(`${ORIGIN}/no-bots/x`)).toBe(false);
    expect(await robots.isAllowed(`${ORIGIN}/private`)).toBe(true); // the specific group wins over *
    expect(await robots.crawlDelayMs(`${ORIGIN}/`)).toBe(2000);
    expect(calls).toEqual([`${ORIGIN}/robots.txt`]);
    const other = cacheWith({ ...scripted({ status: 200, body: ROBOTS }), userAgent: 'OtherBot' });
    expect(await other.isAllowed(`${ORIGIN}/private`)).toBe(false);
    expect(await other.isAllowed(`${ORIGIN}/no-bots/x`)).toBe(true);
  });

  it('treats 4xx as "allow all" and 5xx, 429 or no answer as "disallow all"', async () => {
    const cases: Array<[{ status: number } | Error, boolean, string]> = [
      [{ status: 404 }, true, 'unavailable'], [{ status: 403 }, true, 'unavailable'], [{ status: 503 }, false, 'unreachable'],
      [{ status: 429 }, false, 'unreachable'], [new Error('ECONNREFUSED'), false, 'unreachable'],
    ];
    for (const [answer, allowed, outcome] of cases) {
      const robots = cacheWith({ ...scripted(answer) });
      expect(await robots.check(`${ORIGIN}/page`)).toMatchObject({ allowed, outcome });
    }
  });

  it('clamps a huge Crawl-delay', async () => {
    const robots = cacheWith({ ...scripted({ status: 200, body: 'User-agent: *\nCrawl-delay: 86400' }), maxCrawlDelayMs: 10_000 });
    expect(await robots.crawlDelayMs(`${ORIGIN}/`)).toBe(10_000);
  });

  it('retries an unreachable file soon, and keeps a good copy while the server errors', async () => {
    const flaky = scripted({ status: 503 }, { status: 200, body: ROBOTS });
    const robots = cacheWith({ fetchRobots: flaky.fetchRobots, errorTtlMs: 150 });
    expect(await robots.isAllowed(`${ORIGIN}/page`)).toBe(false);
    await waitFor(() => robots.isAllowed(`${ORIGIN}/page`), { description: 'refetch after errorTtlMs' });
    expect(flaky.calls).toHaveLength(2);

    const failing = scripted({ status: 200, body: ROBOTS }, { status: 500 });
    const stale = cacheWith({ fetchRobots: failing.fetchRobots, ttlMs: 100, errorTtlMs: 100 });
    expect(await stale.isAllowed(`${ORIGIN}/page`)).toBe(true);
    await waitFor(async () => { await stale.isAllowed(`${ORIGIN}/page`); return failing.calls.length >= 2; }, { description: 'refetch' });
    expect(await stale.check(`${ORIGIN}/page`)).toMatchObject({ allowed: true, outcome: 'parsed' });
    expect(await stale.isAllowed(`${ORIGIN}/no-bots`)).toBe(false);
  });
});

describe('robots cache: one fetch for the fleet', () => {
  it('shares the stored file with other workers through Redis', async () => {
    const prefix = fixture.prefix();
    const first = scripted({ status: 200, body: ROBOTS });
    await cacheWith({ fetchRobots: first.fetchRobots }, prefix).isAllowed(`${ORIGIN}/`);
    const second = scripted(new Error('must not be called'));
    expect(await cacheWith({ fetchRobots: second.fetchRobots }, prefix).isAllowed(`${ORIGIN}/no-bots`)).toBe(false);
    expect(second.calls).toEqual([]);
  });

  it('single-flights many concurrent checks across three workers into one fetch', async () => {
    const prefix = fixture.prefix();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    let fetches = 0;
    const fetchRobots: FetchRobots = async () => { fetches += 1; await gate; return { status: 200, body: ROBOTS }; };
    // Each worker gets its own connection; counting EXISTS shows when it is waiting on the peer's lock.
    const waiting = [0, 0, 0];
    const clients = waiting.map((_, index) => {
      const client = new Redis(fixture.server.url);
      const exists = client.exists.bind(client);
      client.exists = ((...args: Parameters<typeof exists>) => { waiting[index]! += 1; return exists(...args); }) as typeof client.exists;
      return client;
    });
    try {
      const caches = clients.map((redis) => createRobotsCache({ redis, prefix, userAgent: UA, fetchRobots, pollMs: 10 }));
      const checks = caches.flatMap((cache) => Array.from({ length: 10 }, (_, index) => cache.isAllowed(`${ORIGIN}/no-bots/${index}`)));
      await waitFor(() => fetches === 1 && waiting.filter((count) => count > 0).length === 2, { description: 'two workers waiting on the lock' });
      open();
      expect(await Promise.all(checks)).toEqual(Array(30).fill(false));
      expect(fetches).toBe(1);
    } finally {
      open();
      for (const client of clients) client.disconnect();
    }
  });
});

describe('robots cache: what is kept, and for how long', () => {
  it('stores only the compact rules for our agent and *, with sitemaps, never the raw file', async () => {
    const prefix = fixture.prefix();
    const body = `# comment\nUser-agent: Googlebot\nDisallow: /g\n\n${ROBOTS}\nSitemap: https://x.test/s.xml\n`;
    await cacheWith({ ...scripted({ status: 200, body }) }, prefix).isAllowed(`${ORIGIN}/`);
    const stored = await fixture.redis.hgetall(robotsKeys(prefix, ORIGIN).entry);
    expect(stored).not.toHaveProperty('body');
    expect(stored).toMatchObject({
      agent: 'quarrybot', outcome: 'parsed', truncated: '0', unreachableSince: '0',
      rules: 'User-agent: *\nDisallow: /private\nUser-agent: quarrybot\nDisallow: /no-bots\nCrawl-delay: 2\nSitemap: https://x.test/s.xml',
    });
  });

  it('bounds the in-process memo by bytes and sweeps it by time', async () => {
    const body = `User-agent: *\n${Array.from({ length: 200 }, (_, i) => `Disallow: /p${i}`).join('\n')}`;
    const robots = cacheWith({ ...scripted({ status: 200, body }), maxMemoryBytes: 40_000, memoryTtlMs: 200 });
    for (let port = 9000; port < 9030; port++) expect(await robots.isAllowed(`http://127.0.0.2:${port}/p1`)).toBe(false);
    const { entries, bytes } = robots.memoryUsage();
    expect(bytes).toBeLessThanOrEqual(40_000);
    expect(entries).toBeGreaterThan(0);
    expect(entries).toBeLessThan(30);
    // Past memoryTtlMs the next check sweeps every expired memo, not only the one it needs.
    const loadedAt = Date.now();
    await waitFor(() => Date.now() - loadedAt > 250, { description: 'the memo to expire', intervalMs: 20 });
    await robots.isAllowed('http://127.0.0.2:9999/');
    expect(robots.memoryUsage().entries).toBe(1);
  });

  it('backs off an unreachable file (the next try doubles, capped) and keeps when the outage began', async () => {
    let answer: { status: number; body?: string } = { status: 503 };
    const fetchRobots: FetchRobots = async () => ({ status: answer.status, body: answer.body ?? '' });
    const robots = cacheWith({ fetchRobots, errorTtlMs: 100, maxErrorTtlMs: 400, memoryTtlMs: 10 });
    const first = await robots.check(`${ORIGIN}/page`);
    expect(first).toMatchObject({ allowed: false, outcome: 'unreachable' });
    const since = first.unreachableSince!;
    expect(since).toBeGreaterThan(Date.now() - 1000);
    const gaps: number[] = [];
    let previous = first;
    while (gaps.length < 4) {
      await waitFor(() => Date.now() > previous.recheckAt, { description: 'the re-check time', intervalMs: 10 });
      const next = await robots.check(`${ORIGIN}/page`);
      expect(next.unreachableSince).toBe(since);
      if (next.recheckAt !== previous.recheckAt) gaps.push(next.recheckAt - previous.recheckAt);
      previous = next;
    }
    // Each gap is the backoff plus how late the check came: 200, 400, 400, 400 ms after the last.
    const expected = [200, 400, 400, 400];
    expect(gaps.map((gap, i) => gap >= expected[i]! && gap < expected[i]! + 150), `gaps ${gaps.join(', ')} ms`).toEqual([true, true, true, true]);
    answer = { status: 200, body: ROBOTS };
    await waitFor(() => Date.now() > previous.recheckAt, { description: 'the re-check time', intervalMs: 10 });
    expect(await robots.check(`${ORIGIN}/page`)).toMatchObject({ allowed: true, outcome: 'parsed', unreachableSince: null });
  });
});
