/**
 * @module test/artifacts/conformance
 * The one suite every artifact driver passes (the unstorage pattern): objects round-trip with
 * their content type, expire, respect the size cap and the key scheme, and presigned URLs
 * serve exactly one object until they expire. A test file per driver calls
 * `describeArtifactStoreConformance` with how to reach its store.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactKey, ArtifactTooLargeError, createArtifactStore, InvalidArtifactKeyError, S3Client, s3ConfigOf, type ArtifactDriver, type ArtifactStore } from '../../shared/artifacts/index.ts';

export interface ConformanceTarget {
  driver: ArtifactDriver;
  close(): Promise<void>;
}

const MAX_BYTES = 2 * 1024 * 1024;
/** Job ids as the edge issues them: `<12-hex tenant tag>.<rest>`; a run-unique rest keeps runs apart on a real bucket. */
const run = randomBytes(4).toString('hex');
const jobA = `aaaaaaaaaaaa.${run}-a`;
const jobB = `bbbbbbbbbbbb.${run}-b`;

export function describeArtifactStoreConformance(name: string, start: () => Promise<ConformanceTarget>): void {
  describe(`artifact store conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let clock = Date.now();
    let store: ArtifactStore;
    const written: string[] = [];
    const put = async (key: string, bytes: Uint8Array, contentType: string, ttl = 3600) => {
      written.push(key);
      return store.put(key, bytes, contentType, ttl);
    };

    beforeAll(async () => {
      target = await start();
      store = createArtifactStore(target.driver, { maxBytes: MAX_BYTES, now: () => clock });
    });
    afterAll(async () => {
      clock = Date.now();
      await Promise.allSettled(written.map((key) => store.delete(key)));
      await target?.close();
    });

    it('round-trips bytes and content type, and describes the object', async () => {
      const key = artifactKey(jobA, 'screenshot.png');
      const bytes = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
      const info = await put(key, bytes, 'image/png', 600);
      expect(info).toEqual({ key, contentType: 'image/png', bytes: bytes.length, expiresAt: Math.ceil(clock / 1000 + 600) * 1000 });
      const got = await store.get(key);
      expect(got?.info).toEqual(info);
      expect(Buffer.from(got!.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(await store.head(key)).toEqual(info);
    });

    it('replaces an object put again under the same key', async () => {
      const key = artifactKey(jobA, 'result.json');
      await put(key, new TextEncoder().encode('{"v":1}'), 'application/json');
      await put(key, new TextEncoder().encode('{"v":2}'), 'application/json');
      expect(new TextDecoder().decode((await store.get(key))!.bytes)).toBe('{"v":2}');
    });

    it('answers null for a missing key, and deletes (a missing key too)', async () => {
      const key = artifactKey(jobA, 'gone.pdf');
      expect(await store.get(key)).toBeNull();
      expect(await store.head(key)).toBeNull();
      await store.delete(key);
      await put(key, randomBytes(1000), 'application/pdf');
      expect(await store.head(key)).not.toBeNull();
      await store.delete(key);
      expect(await store.get(key)).toBeNull();
    });

    it('refuses an artifact over the size cap and stores nothing', async () => {
      const key = artifactKey(jobA, 'huge.png');
      await expect(put(key, new Uint8Array(MAX_BYTES + 1), 'image/png')).rejects.toBeInstanceOf(ArtifactTooLargeError);
      expect(await store.head(key)).toBeNull();
      await put(key, new Uint8Array(MAX_BYTES), 'image/png');
      expect((await store.head(key))?.bytes).toBe(MAX_BYTES);
    });

    it('reads nothing past the expiry, before any sweeper ran', async () => {
      const key = artifactKey(jobA, 'short.png');
      await put(key, randomBytes(10), 'image/png', 60);
      clock += 59_000;
      expect(await store.head(key)).not.toBeNull();
      clock += 2_000;
      expect(await store.head(key)).toBeNull();
      expect(await store.get(key)).toBeNull();
      clock = Date.now();
    });

    it('accepts only <tenant tag>/<job id>/<name> keys', async () => {
      for (const key of ['x', '../etc/passwd', `aaaaaaaaaaaa/${jobB}/a.png`, `aaaaaaaaaaaa/${jobA}/../a.png`, `aaaaaaaaaaaa/${jobA}/A.PNG`]) {
        await expect(store.put(key, new Uint8Array(1), 'image/png', 60), key).rejects.toBeInstanceOf(InvalidArtifactKeyError);
      }
      expect(() => artifactKey(jobA, 'a/b.png')).toThrow(InvalidArtifactKeyError);
      expect(artifactKey('legacy-id', 'a.png')).toBe('_/legacy-id/a.png');
    });

    it('serves one object through a presigned URL until it expires, and nothing without a signature', async () => {
      const key = artifactKey(jobA, 'page.pdf');
      const other = artifactKey(jobB, 'page.pdf');
      const bytes = randomBytes(4096);
      await put(key, bytes, 'application/pdf');
      await put(other, randomBytes(16), 'application/pdf');

      const url = await store.signedGetUrl(key, 300);
      const ok = await fetch(url);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);

      // The same signature on another tenant's key, and on another key of the same job.
      const forged = url.replace(encodeURIComponent(jobA), encodeURIComponent(jobB)).replace('/aaaaaaaaaaaa/', '/bbbbbbbbbbbb/');
      expect(forged).not.toBe(url);
      expect((await fetch(forged)).status).toBe(403);
      expect((await fetch(url.replace('page.pdf', 'result.json'))).status).toBe(403);
      // Longer validity than signed for.
      expect((await fetch(url.replace('X-Amz-Expires=300', 'X-Amz-Expires=600000'))).status).toBe(403);
      // No signature at all: a private bucket serves nothing.
      expect((await fetch(new S3Client(s3ConfigOf(target.driver)).objectUrl(key))).status).toBe(403);

      // Signed two hours ago for one minute.
      clock = Date.now() - 2 * 3600_000;
      const expired = await store.signedGetUrl(key, 60);
      clock = Date.now();
      const refused = await fetch(expired);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toMatch(/AccessDenied|expired/i);
    });
  });
}
