/**
 * The export writer against the local S3 server: one PUT when the file fits in a part, a
 * multipart upload whose parts go out as they fill otherwise (same bytes back), an abort that
 * leaves no file when the source fails part-way, and the size cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArtifactServer, type ArtifactServer } from '../../dev/local/artifact-server.ts';
import { s3ConfigOf, S3Client } from '../../shared/artifacts/index.ts';
import { ExportTooLargeError, writeExportFile } from '../../worker/src/exports/index.ts';

let server: ArtifactServer;
let client: S3Client;

beforeAll(async () => {
  server = await startArtifactServer({ extraBuckets: ['quarry-exports'] });
  client = new S3Client({ ...s3ConfigOf(server.driver), bucket: 'quarry-exports' });
});
afterAll(async () => server?.close());

async function* lines(count: number, width: number, failAt?: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error('the result store went away');
    yield `${String(i).padStart(8, '0')}${'x'.repeat(width)}\n`;
  }
}

const text = (count: number, width: number) => Array.from({ length: count }, (_, i) => `${String(i).padStart(8, '0')}${'x'.repeat(width)}\n`).join('');

describe('writeExportFile', () => {
  it('writes a small export with one PUT', async () => {
    const calls: string[] = [];
    const spy = new Proxy(client, { get: (target, prop) => { const v = Reflect.get(target, prop, target); return typeof v === 'function' ? (...a: unknown[]) => (calls.push(String(prop)), v.apply(target, a)) : v; } });
    const bytes = await writeExportFile(lines(100, 50), { client: spy, key: 'tag/small.jsonl', contentType: 'application/x-ndjson' }, { maxBytes: 1 << 30 });
    expect(bytes).toBe(100 * 59);
    expect(calls).toEqual(['put']);
    expect(new TextDecoder().decode((await client.get('tag/small.jsonl'))!.bytes)).toBe(text(100, 50));
  });

  it('uploads parts as they fill and completes them into the same bytes', async () => {
    const calls: string[] = [];
    const spy = new Proxy(client, { get: (target, prop) => { const v = Reflect.get(target, prop, target); return typeof v === 'function' ? (...a: unknown[]) => (calls.push(String(prop)), v.apply(target, a)) : v; } });
    // 12,000 lines of 1 KiB ≈ 12 MiB in 5 MiB parts: 3 parts.
    const bytes = await writeExportFile(lines(12_000, 1016), { client: spy, key: 'tag/big.csv', contentType: 'text/csv', metadata: { 'quarry-expires-at': '9999999999' } }, { maxBytes: 1 << 30, partBytes: 5 * 1024 * 1024 });
    expect(bytes).toBe(12_000 * 1025);
    expect(calls).toEqual(['createMultipartUpload', 'uploadPart', 'uploadPart', 'uploadPart', 'completeMultipartUpload']);
    const object = await client.get('tag/big.csv');
    expect(object!.bytes.byteLength).toBe(bytes);
    expect(object!.metadata['quarry-expires-at']).toBe('9999999999');
    expect(new TextDecoder().decode(object!.bytes)).toBe(text(12_000, 1016));
  });

  it('aborts the upload when the rows fail part-way, leaving no file', async () => {
    await expect(writeExportFile(lines(12_000, 1016, 9_000), { client, key: 'tag/broken.csv', contentType: 'text/csv' }, { maxBytes: 1 << 30, partBytes: 5 * 1024 * 1024 })).rejects.toThrow('went away');
    expect(await client.get('tag/broken.csv')).toBeNull();
  });

  it('fails for good past the size cap', async () => {
    await expect(writeExportFile(lines(1000, 100), { client, key: 'tag/capped.csv', contentType: 'text/csv' }, { maxBytes: 50_000 })).rejects.toBeInstanceOf(ExportTooLargeError);
    expect(await client.get('tag/capped.csv')).toBeNull();
  });
});
