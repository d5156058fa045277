/**
 * Artifacts expire with their result: the writer records each key's expiry in the result-store
 * Redis, and sweepers (any number, on any backend) delete what is due, each key once, leaving an
 * object that was stored again since alone. Real redis-server and the local S3 server.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArtifactServer, type ArtifactServer } from '../../dev/local/artifact-server.ts';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { artifactKey, createArtifactStore, S3Client, s3ConfigOf, type ArtifactStore } from '../../shared/artifacts/index.ts';
import { artifactExpiryKey } from '../../shared/keys.ts';
import { loadConfig } from '../../worker/src/config.ts';
import { artifactDriverFromConfig, ArtifactOverCapError, ArtifactStoreMisconfiguredError, InvalidArtifactConfigError, startArtifactSweeper, workerArtifacts } from '../../worker/src/artifacts/index.ts';
import { createArtifactWriter } from '../../worker/src/artifacts/artifact-writer.ts';
import { createExpiryIndex, type ExpiryIndex } from '../../worker/src/artifacts/expiry-index.ts';

let redisServer: RedisServer;
let server: ArtifactServer;
let redis: Redis;
const HOUR = 3600_000;

beforeAll(async () => {
  [redisServer, server] = await Promise.all([startRedisServer({ appendOnly: false }), startArtifactServer()]);
  redis = new Redis(redisServer.url);
});
afterAll(async () => {
  redis?.disconnect();
  await Promise.allSettled([redisServer?.dispose(), server?.close()]);
});

const prefix = () => `{quarry-art-${randomBytes(3).toString('hex')}}`;
const job = () => `${randomBytes(6).toString('hex')}.${randomBytes(4).toString('hex')}`;
/** A store whose clock is `offsetMs` away: a past clock writes objects that are already expired. */
const storeAt = (offsetMs: number, maxBytes = 1024 * 1024): ArtifactStore => createArtifactStore(server.driver, { maxBytes, now: () => Date.now() + offsetMs });
const raw = () => new S3Client(s3ConfigOf(server.driver));
const createArtifactWriterForTest = (store: ArtifactStore, index: ExpiryIndex, ttlSeconds: number) => createArtifactWriter({ store, index, ttlSeconds });

describe('artifact writer', () => {
  it('stores a job\'s artifacts under its tenant-scoped keys and records their expiry in one ZADD', async () => {
    const p = prefix();
    const writer = createArtifactWriterForTest(storeAt(0), createExpiryIndex(redis, p), 600);
    const id = job();
    const refs = await writer.save(id, [
      { name: 'screenshot.png', type: 'screenshot', contentType: 'image/png', bytes: randomBytes(100) },
      { name: 'page.pdf', type: 'pdf', contentType: 'application/pdf', bytes: randomBytes(50) },
    ]);
    expect(refs).toEqual([
      { name: 'screenshot.png', type: 'screenshot', contentType: 'image/png', bytes: 100, key: `${id.slice(0, 12)}/${id}/screenshot.png` },
      { name: 'page.pdf', type: 'pdf', contentType: 'application/pdf', bytes: 50, key: `${id.slice(0, 12)}/${id}/page.pdf` },
    ]);
    const score = Number(await redis.zscore(artifactExpiryKey(p), refs[0]!.key));
    expect(Math.abs(score - (Date.now() + 600_000))).toBeLessThan(5_000);
    expect(await raw().head(refs[1]!.key)).not.toBeNull();
  });

  it('turns store failures into the retry classes: over the cap fails the job, refused credentials stop the worker', async () => {
    const index = createExpiryIndex(redis, prefix());
    await expect(createArtifactWriterForTest(storeAt(0, 10), index, 60).save(job(), [{ name: 'a.png', type: 'screenshot', contentType: 'image/png', bytes: new Uint8Array(11) }]))
      .rejects.toBeInstanceOf(ArtifactOverCapError);
    const wrongKey = createArtifactStore({ ...server.driver, driver: 'local', endpoint: server.endpoint, accessKeyId: server.accessKeyId, secretAccessKey: 'wrong' }, { maxBytes: 100 });
    await expect(createArtifactWriterForTest(wrongKey, index, 60).save(job(), [{ name: 'a.png', type: 'screenshot', contentType: 'image/png', bytes: new Uint8Array(1) }]))
      .rejects.toBeInstanceOf(ArtifactStoreMisconfiguredError);
  });
});

describe('artifact sweeper', () => {
  it('deletes every expired artifact in batches and forgets it; a live one stays', async () => {
    const p = prefix();
    const index = createExpiryIndex(redis, p);
    const expired = createArtifactWriterForTest(storeAt(-2 * HOUR), index, 60);
    const live = createArtifactWriterForTest(storeAt(0), index, 3600);
    const ids = Array.from({ length: 25 }, job);
    const refs = (await Promise.all(ids.map((id) => expired.save(id, [{ name: 'a.png', type: 'screenshot', contentType: 'image/png', bytes: randomBytes(8) }])))).flat();
    const [keep] = await live.save(job(), [{ name: 'b.png', type: 'screenshot', contentType: 'image/png', bytes: randomBytes(8) }]);

    const sweeper = startArtifactSweeper({ store: storeAt(0), index, intervalMs: 3_600_000, batch: 10 });
    try {
      expect(await sweeper.sweepOnce()).toBe(25);
    } finally {
      await sweeper.stop();
    }
    for (const ref of refs) expect(await raw().head(ref.key)).toBeNull();
    expect(await redis.zrange(artifactExpiryKey(p), 0, -1)).toEqual([keep!.key]);
    expect(await raw().head(keep!.key)).not.toBeNull();
  });

  it('two sweepers at once delete each key once', async () => {
    const p = prefix();
    const index = createExpiryIndex(redis, p);
    const writer = createArtifactWriterForTest(storeAt(-2 * HOUR), index, 60);
    await Promise.all(Array.from({ length: 30 }, () => writer.save(job(), [{ name: 'a.png', type: 'screenshot', contentType: 'image/png', bytes: randomBytes(8) }])));
    const sweepers = [0, 1].map(() => startArtifactSweeper({ store: storeAt(0), index: createExpiryIndex(redis, p), intervalMs: 3_600_000, batch: 5 }));
    try {
      const counts = await Promise.all(sweepers.map((s) => s.sweepOnce()));
      expect(counts[0]! + counts[1]!).toBe(30);
    } finally {
      await Promise.all(sweepers.map((s) => s.stop()));
    }
    expect(await redis.zcard(artifactExpiryKey(p))).toBe(0);
  });

  it('leaves an object stored again after its key was due (a re-run job) and keeps its new expiry', async () => {
    const p = prefix();
    const index = createExpiryIndex(redis, p);
    const id = job();
    const key = artifactKey(id, 'a.png');
    // The old expiry is in the index; the object in the store was written again for another hour.
    await index.add([{ key, expiresAt: Date.now() - HOUR }]);
    await storeAt(0).put(key, randomBytes(8), 'image/png', 3600);
    const sweeper = startArtifactSweeper({ store: storeAt(0), index, intervalMs: 3_600_000 });
    await sweeper.sweepOnce();
    await sweeper.stop();
    expect(await raw().head(key)).not.toBeNull();

    // The writer's own ZADD lands after a claim: done() must not forget the new expiry.
    await index.add([{ key, expiresAt: Date.now() - HOUR }]);
    const { lease, keys } = await index.claimDue(10, 60_000);
    expect(keys).toEqual([key]);
    await index.add([{ key, expiresAt: Date.now() + HOUR }]);
    expect(await index.done(lease, keys)).toBe(0);
    expect(Number(await redis.zscore(artifactExpiryKey(p), key))).toBeGreaterThan(Date.now());
  });
});

describe('artifact configuration', () => {
  it('none by default; local and s3 need an endpoint and a key pair', () => {
    expect(workerArtifacts(loadConfig({}), redis)).toBeNull();
    expect(() => artifactDriverFromConfig(loadConfig({ QUARRY_ARTIFACT_DRIVER: 's3' }))).toThrow(InvalidArtifactConfigError);
    expect(() => artifactDriverFromConfig(loadConfig({ QUARRY_ARTIFACT_DRIVER: 's3' }))).toThrow(/QUARRY_ARTIFACT_ENDPOINT, QUARRY_ARTIFACT_ACCESS_KEY_ID, QUARRY_ARTIFACT_SECRET_ACCESS_KEY/);
    const config = loadConfig({ ...server.workerEnv, QUARRY_RESULT_TTL_SECONDS: '120' });
    expect(config.artifactTtlSeconds).toBe(120);
    expect(artifactDriverFromConfig(config)).toEqual(server.driver);
    expect(workerArtifacts(config, redis)).not.toBeNull();
  });
});
