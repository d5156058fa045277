/**
 * The crawl's Lua scripts on a real redis-server: creation and idempotency, admission and
 * dedupe, the exact limit under many concurrent finishes, the window, completion exactly once,
 * re-runs, the discovered ceiling, failure, and cancel (jobs removed, reservations freed).
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { exportDueKey } from '../../shared/exports/export-keys.ts';
import { crawlKeys, CRAWL_SCRIPTS, pageJobId } from '../../shared/crawls/index.ts';
import { queueKeys } from '../../shared/keys.ts';
import { createCrawlStore, runCrawlScript } from '../../worker/src/crawls/crawl-store.ts';
import { startRedisFixture, type RedisFixture } from '../politeness/redis-fixture.ts';
import { createTestCrawl, entries, takeJob } from './crawl-fixture.ts';

let fx: RedisFixture;
beforeAll(async () => { fx = await startRedisFixture('crawl-lua'); });
afterEach(async () => fx.cleanup());
afterAll(async () => fx?.stop());

const CANCEL = { ...CRAWL_SCRIPTS.cancel, sha: createHash('sha1').update(CRAWL_SCRIPTS.cancel.content).digest('hex') };
const site = (n: number) => `http://127.0.0.2/p/${n}`;

describe('crawl-create', () => {
  it('stores the record and queues the seed job once per id', async () => {
    const prefix = fx.prefix();
    const first = await createTestCrawl(fx.redis, prefix, 'abc.c-1', { url: site(0) });
    expect(first).toMatchObject({ created: true, status: 'running' });
    const again = await createTestCrawl(fx.redis, prefix, 'abc.c-1', { url: site(0) });
    expect(again).toMatchObject({ created: false, status: 'running' });
    const keys = queueKeys(prefix);
    expect(await fx.redis.lrange(keys.key('wait'), 0, -1)).toEqual(['abc.c-1-seed']);
    expect(await fx.redis.hget(keys.job('abc.c-1-seed'), 'name')).toBe('crawl-seed');
    expect(await fx.redis.pttl(crawlKeys(prefix, 'abc.c-1').record)).toBeGreaterThan(0);
  });
});

describe('crawl-advance', () => {
  it('admits seeds into jobs up to the window, the rest into the frontier, breadth first', async () => {
    const prefix = fx.prefix();
    await createTestCrawl(fx.redis, prefix, 't.c-w', { url: site(0) }, { window: 3 });
    const store = createCrawlStore(fx.redis, prefix);
    const reply = await store.advance({ crawlId: 't.c-w', op: 'seed', depth: 0, entries: entries([site(1), site(2), site(3), site(4), site(5)]) });
    expect(reply).toMatchObject({ status: 'running', added: 3, already: false });
    const keys = crawlKeys(prefix, 't.c-w');
    expect(await fx.redis.llen(keys.frontier)).toBe(2);
    expect(await fx.redis.scard(keys.inflight)).toBe(3);
    await fx.redis.rpop(queueKeys(prefix).key('wait')); // the seed job
    const job = await takeJob(fx.redis, prefix);
    expect(job!.id).toBe('t.c-w-p1');
    expect(job!.data).toMatchObject({ request: { url: site(1), mode: 'http' }, crawl: { id: 't.c-w', n: 1, depth: 0 }, domain: '127.0.0.2', tenant: 'test' });
  });

  it('dedupes by fingerprint, counts robots refusals once, and re-running a page changes nothing', async () => {
    const prefix = fx.prefix();
    await createTestCrawl(fx.redis, prefix, 't.c-d', { url: site(0) }, { window: 100 });
    const store = createCrawlStore(fx.redis, prefix);
    await store.advance({ crawlId: 't.c-d', op: 'seed', depth: 0, entries: entries([site(0)]) });
    const found = [...entries([site(1), site(2)]), ...entries([site(9)], 'r')];
    const first = await store.advance({ crawlId: 't.c-d', op: 'page', n: 1, outcome: 'completed', depth: 1, entries: found, skippedScope: 4, skippedDepth: 0 });
    expect(first).toMatchObject({ added: 2, already: false });
    const rerun = await store.advance({ crawlId: 't.c-d', op: 'page', n: 1, outcome: 'completed', depth: 1, entries: found, skippedScope: 4 });
    expect(rerun).toMatchObject({ added: 0, already: true });
    await store.advance({ crawlId: 't.c-d', op: 'page', n: 2, outcome: 'failed', depth: 1, entries: [...entries([site(1), site(0)]), ...entries([site(9)], 'r')] });
    const record = await fx.redis.hgetall(crawlKeys(prefix, 't.c-d').record);
    expect(record).toMatchObject({ discovered: '4', accepted: '3', completed: '1', failed: '1', skippedRobots: '1', skippedDuplicate: '3', skippedScope: '4', jobs: '3' });
  });

  it('never admits more than the limit nor a URL twice, however many finishes race (20 connections)', async () => {
    const prefix = fx.prefix();
    const limit = 150;
    await createTestCrawl(fx.redis, prefix, 't.c-race', { url: site(0), limit }, { window: 20 });
    const clients = Array.from({ length: 20 }, () => new Redis(fx.server.url));
    try {
      const seeder = createCrawlStore(clients[0]!, prefix);
      await fx.redis.rpop(queueKeys(prefix).key('wait'));
      await seeder.advance({ crawlId: 't.c-race', op: 'seed', depth: 0, entries: entries([site(0)]) });
      let ended = 0;
      const events: string[] = [];
      const scraped: string[] = [];
      await seeder.advance({ crawlId: 't.c-race', op: 'seeded' }).then((r) => r.event && events.push(r.event));
      // Each "worker" finishes pages as they come; every page links to 40 pages, half of them new.
      await Promise.all(clients.map(async (client) => {
        const store = createCrawlStore(client, prefix);
        for (let idle = 0; idle < 200;) {
          const job = await takeJob(client, prefix);
          if (!job) { idle++; await new Promise((r) => setTimeout(r, 2)); continue; }
          idle = 0;
          scraped.push(job.data.request.url);
          const n = job.data.crawl!.n;
          const links = Array.from({ length: 40 }, (_, i) => site(n * 20 + i));
          const reply = await store.advance({ crawlId: 't.c-race', op: 'page', n, outcome: 'completed', depth: job.data.crawl!.depth + 1, entries: entries(links) });
          if (reply.event) events.push(reply.event);
          if (reply.status !== 'running') ended++;
        }
      }));
      const record = await fx.redis.hgetall(crawlKeys(prefix, 't.c-race').record);
      expect(scraped).toHaveLength(limit);
      expect(new Set(scraped).size).toBe(limit);
      expect(Number(record.accepted)).toBe(limit);
      expect(Number(record.jobs)).toBe(limit);
      expect(Number(record.completed)).toBe(limit);
      expect(record.status).toBe('completed');
      expect(events).toEqual(['completed']);
      expect(record.discoveryStopped).toBe('limit');
      expect(ended).toBeGreaterThan(0);
      expect(await fx.redis.exists(crawlKeys(prefix, 't.c-race').frontier)).toBe(0);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });

  it('completes exactly once when seeding ends with nothing in flight', async () => {
    const prefix = fx.prefix();
    await createTestCrawl(fx.redis, prefix, 't.c-empty', { url: site(0) });
    const store = createCrawlStore(fx.redis, prefix);
    await store.advance({ crawlId: 't.c-empty', op: 'seed', depth: 0, entries: entries([site(0)], 'r') });
    const done = await store.advance({ crawlId: 't.c-empty', op: 'seeded' });
    expect(done).toMatchObject({ status: 'completed', event: 'completed' });
    const again = await store.advance({ crawlId: 't.c-empty', op: 'seeded' });
    expect(again).toMatchObject({ status: 'completed', event: '' });
    expect(await fx.redis.hget(crawlKeys(prefix, 't.c-empty').record, 'finishedAt')).not.toBeNull();
  });

  it('makes a crawl\'s export due in the step that completes it; no export, nothing due; a failed crawl none', async () => {
    const prefix = fx.prefix();
    const store = createCrawlStore(fx.redis, prefix);
    const end = async (crawlId: string, input: Record<string, unknown>, op: 'seeded' | 'fail') => {
      await createTestCrawl(fx.redis, prefix, crawlId, { url: site(0), ...input });
      await store.advance({ crawlId, op: 'seed', depth: 0, entries: entries([site(0)], 'r') });
      return store.advance({ crawlId, op, ...(op === 'fail' ? { reason: 'test' } : {}) });
    };
    expect(await end('t.c-exp', { export: { format: 'csv' } }, 'seeded')).toMatchObject({ event: 'completed' });
    expect(await fx.redis.hget(crawlKeys(prefix, 't.c-exp').record, 'exportState')).toBe('due');
    await end('t.c-noexp', {}, 'seeded');
    await end('t.c-expfail', { export: { format: 'csv' } }, 'fail');
    expect(await fx.redis.hget(crawlKeys(prefix, 't.c-expfail').record, 'exportState')).toBe('pending');
    expect(await fx.redis.zrange(exportDueKey(prefix), 0, -1)).toEqual(['crawl:t.c-exp']);
  });

  it('stops recording URLs at the discovered ceiling, and frees the dedupe buckets', async () => {
    const prefix = fx.prefix();
    await createTestCrawl(fx.redis, prefix, 't.c-ceil', { url: site(0), limit: 1 }, { maxDiscovered: 1000 });
    const store = createCrawlStore(fx.redis, prefix);
    // limit 1 → the crawl's own ceiling is min(1000, max(10, 10000)) = 1000.
    const reply = await store.advance({ crawlId: 't.c-ceil', op: 'seed', depth: 0, entries: entries([...Array.from({ length: 1500 }, (_, i) => site(i))], 'r') });
    expect(reply.discoveryStopped).toBe('maxDiscovered');
    const record = await fx.redis.hgetall(crawlKeys(prefix, 't.c-ceil').record);
    expect(record.discovered).toBe('1000');
    expect(await fx.redis.keys(`${crawlKeys(prefix, 't.c-ceil').seenPrefix}*`)).toEqual([]);
  });

  it('fails a crawl once and stops its discovery', async () => {
    const prefix = fx.prefix();
    await createTestCrawl(fx.redis, prefix, 't.c-fail', { url: site(0) });
    const store = createCrawlStore(fx.redis, prefix);
    const first = await store.advance({ crawlId: 't.c-fail', op: 'fail', reason: 'sitemap only: none' });
    expect(first).toMatchObject({ status: 'failed', event: 'failed' });
    expect((await store.advance({ crawlId: 't.c-fail', op: 'fail', reason: 'again' })).event).toBe('');
    expect(await fx.redis.hget(crawlKeys(prefix, 't.c-fail').record, 'error')).toBe('sitemap only: none');
  });
});

describe('crawl-cancel', () => {
  it('removes waiting page jobs and the seed job, frees their reservations, lets running pages finish', async () => {
    const prefix = fx.prefix();
    await createTestCrawl(fx.redis, prefix, 't.c-x', { url: site(0) }, { window: 4 });
    const store = createCrawlStore(fx.redis, prefix);
    await store.advance({ crawlId: 't.c-x', op: 'seed', depth: 0, entries: entries(Array.from({ length: 6 }, (_, i) => site(i))) });
    const queue = queueKeys(prefix);
    // Page 1 is "running": in active with a lock, as BullMQ keeps it.
    await fx.redis.lrem(queue.key('wait'), 1, pageJobId('t.c-x', 1));
    await fx.redis.lpush(queue.key('active'), pageJobId('t.c-x', 1));
    await fx.redis.set(`${queue.job(pageJobId('t.c-x', 1))}:lock`, 'token');
    // Page 2 holds a reserved politeness slot.
    const log = `${prefix}:domain:127.0.0.2:log`;
    await fx.redis.zadd(log, Date.now() + 1000, `r:${pageJobId('t.c-x', 2)}`);
    const keys = crawlKeys(prefix, 't.c-x');
    const reply = await runCrawlScript(fx.redis, CANCEL, [keys.record, keys.frontier, keys.inflight, `${queue.base}repeat`], [queue.base, prefix, Date.now()]) as unknown[];
    expect(reply).toEqual([1, 'cancelled', 3, 1]);
    expect(await fx.redis.lrange(queue.key('wait'), 0, -1)).toEqual([]);
    expect(await fx.redis.zcard(log)).toBe(0);
    const record = await fx.redis.hgetall(keys.record);
    expect(record).toMatchObject({ status: 'cancelled', discoveryStopped: 'cancelled', cancelledPages: '5' });
    expect(record.finishedAt).toBeUndefined();
    const finished = await store.advance({ crawlId: 't.c-x', op: 'page', n: 1, outcome: 'completed', depth: 1, entries: entries([site(50)]) });
    expect(finished).toMatchObject({ status: 'cancelled', event: '', added: 0 });
    expect(await fx.redis.hget(keys.record, 'finishedAt')).not.toBeNull();
    expect(await fx.redis.hget(keys.record, 'discovered')).toBe('6');
    const twice = await runCrawlScript(fx.redis, CANCEL, [keys.record, keys.frontier, keys.inflight, `${queue.base}repeat`], [queue.base, prefix, Date.now()]) as unknown[];
    expect(twice.slice(0, 2)).toEqual([0, 'cancelled']);
  });
});
