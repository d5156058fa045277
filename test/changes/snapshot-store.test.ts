/**
 * The snapshot swap on a real redis-server: each scrape gets exactly one predecessor, also when
 * scrapes of one URL race, and a job that runs again after it swapped (its worker died before
 * its result was stored) is compared with what its first run replaced, never with itself.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { compareSnapshots } from '../../worker/src/changes/change-effect.ts';
import { createSnapshotStore, snapshotKey, type Snapshot } from '../../worker/src/changes/snapshot-store.ts';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer({ appendOnly: false });
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.dispose();
});

const snap = (jobId: string, price: string): Snapshot => ({ jobId, at: new Date().toISOString(), mode: 'fields', value: { price } });

describe('snapshot swap', () => {
  it('compares a re-run with what its first run replaced', async () => {
    const store = createSnapshotStore(redis, 3600);
    const key = snapshotKey('{quarry-snap}', 'acme', 'https://shop.example/p/1?utm_source=x', undefined);
    expect(await store.swap(key, snap('a', '10'))).toBeNull();
    expect((await store.swap(key, snap('b', '12')))?.jobId).toBe('a');
    // b runs again (its worker died after the swap): still compared with a, so still "changed".
    const again = await store.swap(key, snap('b', '12'));
    expect(again?.jobId).toBe('a');
    expect(compareSnapshots(again, snap('b', '12')).status).toBe('changed');
    expect((await store.swap(key, snap('c', '12')))?.jobId).toBe('b');
    // A first scrape that ran twice stays "new".
    const fresh = snapshotKey('{quarry-snap}', 'acme', 'https://shop.example/p/2', undefined);
    expect(await store.swap(fresh, snap('d', '1'))).toBeNull();
    expect(await store.swap(fresh, snap('d', '1'))).toBeNull();
  });

  it('keys by tenant, canonical URL and tag', () => {
    const key = (tenant: string, url: string, tag?: string) => snapshotKey('{q}', tenant, url, tag);
    expect(key('acme', 'https://Shop.example:443/p?b=2&a=1#top')).toBe(key('acme', 'https://shop.example/p?a=1&b=2&utm_medium=x'));
    expect(key('acme', 'https://shop.example/p')).not.toBe(key('other', 'https://shop.example/p'));
    expect(key('acme', 'https://shop.example/p')).not.toBe(key('acme', 'https://shop.example/p', 'eu'));
  });

  it('gives racing scrapes of one URL one predecessor each', async () => {
    const store = createSnapshotStore(redis, 3600);
    const key = snapshotKey('{quarry-snap}', 'acme', 'https://shop.example/race', undefined);
    const previous = await Promise.all(Array.from({ length: 20 }, (_, i) => store.swap(key, snap(`j${i}`, String(i)))));
    const predecessors = previous.map((p) => p?.jobId ?? null);
    expect(predecessors.filter((p) => p === null)).toHaveLength(1);
    expect(new Set(predecessors).size).toBe(20);
  });
});
