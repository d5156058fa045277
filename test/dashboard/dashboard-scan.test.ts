/**
 * The views' bounded key scan against a real redis-server: domains, batches and crawls found by
 * their record keys only (sub-keys and other prefixes skipped), and a cap that cuts the walk
 * says so instead of passing for the full list.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { batchDoneKey, batchKey } from '../../shared/batch-keys.ts';
import { crawlKeys } from '../../shared/crawls/index.ts';
import { domainKeys } from '../../shared/domain-keys.ts';
import { findDomains } from '../../worker/src/dashboard/views/domain-rows.ts';
import { findBatches, findCrawls } from '../../worker/src/dashboard/views/run-rows.ts';
import { globEscape } from '../../worker/src/dashboard/views/scan-keys.ts';
import { testPrefix } from '../worker/harness.ts';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer({ appendOnly: false });
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.dispose();
});

describe('dashboard key scan', () => {
  it('finds domains, batches and crawls by their keys, skipping sub-keys and other prefixes', async () => {
    const prefix = testPrefix();
    const other = testPrefix();
    const a = domainKeys(prefix, '127.0.0.2:8080');
    const b = domainKeys(prefix, 'example.com');
    const crawl = crawlKeys(prefix, 'abcdef0123.c-1');
    await redis.multi()
      .hset(a.state, 'seq', '1').zadd(a.log, 1, 'g:1').hset(b.limits, 'rates', '5/1000')
      .hset(domainKeys(other, 'elsewhere.test').state, 'seq', '1')
      .hset(batchKey(prefix, 'abcdef0123.b-1'), 'total', '3').sadd(batchDoneKey(prefix, 'abcdef0123.b-1'), 'x')
      .hset(crawl.record, 'status', 'running').rpush(crawl.frontier, '0|http://127.0.0.2/')
      .exec();
    expect(await findDomains(redis, prefix)).toEqual({ names: ['127.0.0.2:8080', 'example.com'], truncated: false });
    expect(await findBatches(redis, prefix)).toEqual({ names: ['abcdef0123.b-1'], truncated: false });
    expect(await findCrawls(redis, prefix)).toEqual({ names: ['abcdef0123.c-1'], truncated: false });
  });

  it('stops at the cap and says the list was cut', async () => {
    const prefix = testPrefix();
    const multi = redis.multi();
    for (let i = 0; i < 30; i += 1) multi.hset(domainKeys(prefix, `d${i}.test`).state, 'seq', '1');
    await multi.exec();
    const cut = await findDomains(redis, prefix, { maxFound: 10 });
    expect(cut.names).toHaveLength(10);
    expect(cut.truncated).toBe(true);
    expect(await findDomains(redis, prefix)).toMatchObject({ truncated: false });
    expect((await findDomains(redis, prefix)).names).toHaveLength(30);
  });

  it('escapes glob characters of the prefix', () => {
    expect(globEscape('{q-[x]*?\\}')).toBe('{q-\\[x\\]\\*\\?\\\\}');
  });
});
