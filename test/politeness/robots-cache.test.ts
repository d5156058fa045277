import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
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
  createRobotsCache({ redis: fixture.redis, prefix, ...options });

describe('robots cache: RFC 9309 outcomes', () => {
  it('applies a 200 file for the matching user agent, with its Crawl-delay', async () => {
    const { calls, fetchRobots } = scripted({ status: 200, body: ROBOTS });
    const robots = cacheWith({ fetchRobots });
    expect(await robots.isAllowed(`${ORIGIN}/no-bots/x`, UA)).toBe(false);
    expect(await robots.isAllowed(`${ORIGIN}/private`, UA)).toBe(true); // the specific group wins over *
    expect(await robots.isAllowed(`${ORIGIN}/private`, 'OtherBot')).toBe(false);
    expect(await robots.crawlDelayMs(`${ORIGIN}/`, UA)).toBe(2000);
    expect(calls).toEqual([`${ORIGIN}/robots.txt`]);
  });

  it('treats 4xx as "allow all" and 5xx, 429 or no answer as "disallow all"', async () => {
    const cases: Array<[{ status: number } | Error, boolean, string]> = [
      [{ status: 404 }, true, 'unavailable'], [{ status: 403 }, true, 'unavailable'], [{ status: 503 }, false, 'unreachable'],
      [{ status: 429 }, false, 'unreachable'], [new Error('ECONNREFUSED'), false, 'unreachable'],
    ];
    for (const [answer, allowed, outcome] of cases) {
      const robots = cacheWith({ ...scripted(answer) });
      expect(await robots.check(`${ORIGIN}/page`, UA)).toMatchObject({ allowed, outcome });
    }
  });

  it('clamps a huge Crawl-delay', async () => {
    const robots = cacheWith({ ...scripted({ status: 200, body: 'User-agent: *\nCrawl-delay: 86400' }), maxCrawlDelayMs: 10_000 });
    expect(await robots.crawlDelayMs(`${ORIGIN}/`, UA)).toBe(10_000);
  });

  it('retries an unreachable file soon, and keeps a good copy while the server errors', async () => {
    const flaky = scripted({ status: 503 }, { status: 200, body: ROBOTS });
    const robots = cacheWith({ fetchRobots: flaky.fetchRobots, errorTtlMs: 150 });
    expect(await robots.isAllowed(`${ORIGIN}/page`, UA)).toBe(false);
    await waitFor(() => robots.isAllowed(`${ORIGIN}/page`, UA), { description: 'refetch after errorTtlMs' });
    expect(flaky.calls).toHaveLength(2);

    const failing = scripted({ status: 200, body: ROBOTS }, { status: 500 });
    const stale = cacheWith({ fetchRobots: failing.fetchRobots, ttlMs: 100, errorTtlMs: 100 });
    expect(await stale.isAllowed(`${ORIGIN}/page`, UA)).toBe(true);
    await waitFor(async () => { await stale.isAllowed(`${ORIGIN}/page`, UA); return failing.calls.length >= 2; }, { description: 'refetch' });
    expect(await stale.check(`${ORIGIN}/page`, UA)).toMatchObject({ allowed: true, outcome: 'parsed' });
    expect(await stale.isAllowed(`${ORIGIN}/no-bots`, UA)).toBe(false);
  });
});

describe('robots cache: one fetch for the fleet', () => {
  it('shares the stored file with other workers through Redis', async () => {
    const prefix = fixture.prefix();
    const first = scripted({ status: 200, body: ROBOTS });
    await cacheWith({ fetchRobots: first.fetchRobots }, prefix).isAllowed(`${ORIGIN}/`, UA);
    const second = scripted(new Error('must not be called'));
    expect(await cacheWith({ fetchRobots: second.fetchRobots }, prefix).isAllowed(`${ORIGIN}/no-bots`, UA)).toBe(false);
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
      const caches = clients.map((redis) => createRobotsCache({ redis, prefix, fetchRobots, pollMs: 10 }));
      const checks = caches.flatMap((cache) => Array.from({ length: 10 }, (_, index) => cache.isAllowed(`${ORIGIN}/no-bots/${index}`, UA)));
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
