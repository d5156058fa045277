/**
 * What a crawl costs in the broker, measured on a real redis-server with the crawl's own
 * scripts (used_memory deltas): bytes per discovered URL in the dedupe buckets, bytes per
 * admitted URL waiting in the frontier, and bytes per queued page job. docs/crawls.md publishes
 * these figures and the budget of a 1,000,000-page crawl built from them; the bounds below keep
 * the representation honest (a SET of URLs costs ~128 B each, a hash out of listpack ~60).
 * It also checks that every crawl key carries a TTL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crawlKeys } from '../../shared/crawls/index.ts';
import { createCrawlStore } from '../../worker/src/crawls/crawl-store.ts';
import { startRedisFixture, type RedisFixture } from '../politeness/redis-fixture.ts';
import { createTestCrawl, entries } from './crawl-fixture.ts';

let fx: RedisFixture;
beforeAll(async () => { fx = await startRedisFixture('crawl-mem'); });
afterEach(async () => fx.cleanup());
afterAll(async () => fx?.stop());

/** A realistic shop URL of ~50 characters (never requested: only stored). */
const url = (n: number) => `http://127.0.0.2/catalog/category-${n % 97}/item-${n}.html`;

async function usedMemory(): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await fx.redis.info('memory'))?.[1]);
}

/** Feeds URLs to the advance script as seed batches of 1,000 and returns the used_memory delta. */
async function feed(crawlId: string, prefix: string, from: number, to: number, flag: 'a' | 'r'): Promise<number> {
  const store = createCrawlStore(fx.redis, prefix);
  const before = await usedMemory();
  for (let start = from; start < to; start += 1000) {
    const urls = Array.from({ length: Math.min(1000, to - start) }, (_, i) => url(start + i));
    await store.advance({ crawlId, op: 'seed', depth: 0, entries: entries(urls, flag) });
  }
  return (await usedMemory()) - before;
}

describe('crawl memory in the broker', () => {
  it('a discovered URL costs ≤ 20 B of dedupe state, an admitted one its frontier entry, a queued page ~1 KB', async () => {
    const prefix = fx.prefix();
    // limit 10,000 → the crawl's discovered ceiling is 100,000 (10 × limit): 1,000 buckets.
    await createTestCrawl(fx.redis, prefix, 'm.c-1', { url: url(0), limit: 10_000 }, { window: 10, maxDiscovered: 2_000_000 });
    const keys = crawlKeys(prefix, 'm.c-1');
    expect(await fx.redis.hget(keys.record, 'buckets')).toBe('1000');

    // 90,000 URLs robots.txt refuses: seen (deduped) but never admitted, so only the buckets grow.
    const seenBytes = await feed('m.c-1', prefix, 0, 90_000, 'r');
    const perSeen = seenBytes / 90_000;
    expect(await fx.redis.object('ENCODING', `${keys.seenPrefix}0`)).toBe('listpack');

    // 9,990 admitted URLs: seen + a `<depth>|<url>` frontier entry each (10 become page jobs).
    const admittedBytes = await feed('m.c-1', prefix, 90_000, 99_990, 'a');
    const perAdmitted = admittedBytes / 9_990;
    expect(await fx.redis.llen(keys.frontier)).toBe(9_980);

    // A crawl whose window takes every admitted URL as a page job at once: the queued-page cost.
    await createTestCrawl(fx.redis, prefix, 'm.c-2', { url: url(0), limit: 500 }, { window: 500 });
    const queuedBytes = await feed('m.c-2', prefix, 0, 500, 'a');
    const perQueued = queuedBytes / 500;
    expect(await fx.redis.scard(crawlKeys(prefix, 'm.c-2').inflight)).toBe(500);

    // Every crawl key in the broker expires (the rule), dedupe buckets included.
    const crawlKeyNames = await fx.redis.keys(`${prefix}:crawl:*`);
    expect(crawlKeyNames.length).toBeGreaterThan(1000);
    const ttls = await Promise.all(crawlKeyNames.map((key) => fx.redis.pttl(key)));
    expect(crawlKeyNames.filter((_, i) => ttls[i]! <= 0)).toEqual([]);

    const urlLength = url(50_000).length;
    console.info(`crawl memory: ${perSeen.toFixed(1)} B per discovered URL (dedupe), ${perAdmitted.toFixed(1)} B per admitted URL `
      + `(dedupe + frontier, URLs of ~${urlLength} chars), ${perQueued.toFixed(0)} B per queued page job`);
    expect(perSeen).toBeLessThanOrEqual(20);
    expect(perAdmitted).toBeLessThanOrEqual(20 + urlLength + 24);
    expect(perQueued).toBeLessThanOrEqual(2_000);
  }, 60_000);
});
