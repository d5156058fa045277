/**
 * @module test/worker/effects/store-effects
 * The result and batch effects on a real redis-server: the result is stored by a run that did
 * the work and left alone by one that recalled it; a batch counts each job's outcome once, and
 * not again after the failed-job sweeper counted it.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../dev/local/redis-server.ts';
import { batchKey } from '../../../shared/batch-keys.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import { batchEffect } from '../../../worker/src/effects/batch-effect.ts';
import { resultEffect } from '../../../worker/src/effects/result-effect.ts';
import { createResultStore } from '../../../worker/src/result-store.ts';
import { testPrefix } from '../harness.ts';

let server: RedisServer;
let redis: Redis;
const prefix = testPrefix();
beforeAll(async () => {
  server = await startRedisServer({ appendOnly: false });
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.dispose();
});

const result = (title: string): JobResult => ({
  url: 'http://127.0.0.2/', finalUrl: 'http://127.0.0.2/', httpStatus: 200, title, extract: {},
  fetchedAt: new Date().toISOString(), durationMs: 1, mode: 'http', attempt: 1,
});

describe('result effect', () => {
  it('stores a new result, recalls it, and does not store again for a run that recalled it', async () => {
    const effect = resultEffect(createResultStore({ client: redis, prefix, ttlSeconds: 60 }));
    const first = result('first');
    expect(await effect.recall('r1')).toBeNull();
    await effect.completed({ jobId: 'r1', data: {} }, { result: first, artifacts: [], fromEarlierRun: false });
    expect(await effect.recall('r1')).toEqual(first);
    await redis.expire(`${prefix}:result:r1`, 30);
    await effect.completed({ jobId: 'r1', data: {} }, { result: first, artifacts: [], fromEarlierRun: true });
    expect(await redis.ttl(`${prefix}:result:r1`)).toBeLessThanOrEqual(30); // no second SET
  });
});

describe('batch effect', () => {
  it('counts each job once, and a failure the sweeper counted not at all', async () => {
    const effect = batchEffect(redis, prefix);
    await redis.hset(batchKey(prefix, 'b1'), { items: 3, total: 3 });
    const data = { batchId: 'b1' };
    const done = { result: result('x'), artifacts: [], fromEarlierRun: false };
    await effect.completed({ jobId: 'j1', data }, done);
    await effect.completed({ jobId: 'j1', data }, { ...done, fromEarlierRun: true }); // the same job finishing again
    await effect.failed({ jobId: 'j2', data }, { reason: 'x', batchCounted: false });
    await effect.failed({ jobId: 'j2', data }, { reason: 'x', batchCounted: false });
    await effect.failed({ jobId: 'j3', data }, { reason: 'x', batchCounted: true });
    await effect.completed({ jobId: 'j4', data: {} }, done); // not in a batch: nothing to count
    expect(await redis.hmget(batchKey(prefix, 'b1'), 'completed', 'failed')).toEqual(['1', '1']);
  });
});
