/**
 * A batch's `export` at the edge, inside workerd: validated (format, s3:// URL, and only the
 * buckets QUARRY_EXPORT_BUCKETS allows, since the workers write with Quarry's credentials),
 * resolved to a destination under the tenant's tag and stored with the batch, and shown in the
 * batch view with its state and, once written, a signed link that downloads the file. A batch
 * whose every item was deduplicated is due for export as soon as it is enqueued (no job of its
 * own will ever finish to make it so).
 */
import { describe, expect, inject, it } from 'vitest';
import { createArtifactStore } from '../../shared/artifacts/artifact-store.ts';
import { batchKey } from '../../shared/batch-keys.ts';
import { exportDueKey } from '../../shared/exports/export-keys.ts';
import { idTag } from '../../shared/tenant.ts';
import { edgeHarness, testKeys } from './edge-harness.ts';

interface Accepted { batchId: string }
interface ExportView { format: string; url?: string; bucket: string | null; key: string; state: string; attempts: number; rows?: number; bytes?: number; writtenAt?: string; downloadUrl?: string; downloadUrlExpiresAt?: string }

const vars = () => inject('artifactVars');

describe('batch export', () => {
  it('stores the destination under the tenant\'s tag and shows the export in the batch view, with a signed link once written', async () => {
    const edge = edgeHarness({ ...vars(), QUARRY_EXPORT_BUCKETS: 'tenant-exports, other-exports' } as Partial<Env>);
    const { a1, b } = testKeys();
    const post = async (exportOption: unknown) => edge.request('POST', '/v1/batches', { body: { urls: ['https://example.com/e1', 'https://example.com/e2'], export: exportOption }, auth: a1 });

    const plain = await (await post({ format: 'csv' })).json<Accepted>();
    const tag = idTag(plain.batchId)!;
    const record = batchKey(edge.prefix, plain.batchId);
    expect(JSON.parse((await edge.broker.hget<string>(record, 'export'))!)).toEqual({ format: 'csv', bucket: null, key: `${tag}/${plain.batchId}-export/results.csv` });
    const pending = await (await edge.request('GET', `/v1/batches/${plain.batchId}`, { auth: a1 })).json<{ state: string; export: ExportView }>();
    expect(pending.export).toEqual({ format: 'csv', bucket: null, key: `${tag}/${plain.batchId}-export/results.csv`, state: 'pending', attempts: 0 });

    const toBucket = await (await post({ url: 's3://tenant-exports/daily/{id}.jsonl' })).json<Accepted>();
    expect(JSON.parse((await edge.broker.hget<string>(batchKey(edge.prefix, toBucket.batchId), 'export'))!)).toEqual({
      format: 'jsonl', bucket: 'tenant-exports', key: `${tag}/daily/${toBucket.batchId}.jsonl`, url: 's3://tenant-exports/daily/{id}.jsonl',
    });

    // What a worker records once it wrote the file; the view then signs a link to it.
    const file = new TextEncoder().encode('index,jobId\r\n0,x\r\n');
    const store = createArtifactStore({ driver: 'local', endpoint: vars().QUARRY_ARTIFACT_ENDPOINT!, bucket: vars().QUARRY_ARTIFACT_BUCKET!, accessKeyId: vars().QUARRY_ARTIFACT_ACCESS_KEY_ID!, secretAccessKey: vars().QUARRY_ARTIFACT_SECRET_ACCESS_KEY! }, { maxBytes: 1 << 20 });
    await store.put(`${tag}/${plain.batchId}-export/results.csv`, file, 'text/csv; charset=utf-8; header=present', 600);
    await edge.broker.hset(record, { exportState: 'written', exportRows: 1, exportBytes: file.byteLength, exportWrittenAt: Date.now(), exportAttempts: 1 });
    const written = await (await edge.request('GET', `/v1/batches/${plain.batchId}`, { auth: a1 })).json<{ export: ExportView }>();
    expect(written.export).toMatchObject({ state: 'written', rows: 1, bytes: file.byteLength, attempts: 1 });
    expect(Date.parse(written.export.downloadUrlExpiresAt!) - Date.now()).toBeGreaterThan(800_000);
    const download = await fetch(written.export.downloadUrl!);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('index,jobId\r\n0,x\r\n');
    expect((await edge.request('GET', `/v1/batches/${plain.batchId}`, { auth: b })).status).toBe(404);
  });

  it('makes the export of a batch whose every item was deduplicated due at once, and leaves a batch with jobs of its own pending', async () => {
    const edge = edgeHarness(vars() as Partial<Env>);
    const { a1 } = testKeys();
    const url = `https://example.com/dedup/${crypto.randomUUID()}`;
    expect((await edge.request('POST', '/v1/jobs', { body: { url, dedupeWindowMs: 60_000 }, auth: a1 })).status).toBe(202);
    const batch = await (await edge.request('POST', '/v1/batches', { body: { urls: [url], defaults: { dedupeWindowMs: 60_000 }, export: { format: 'jsonl' } }, auth: a1 })).json<Accepted>();
    const view = await (await edge.request('GET', `/v1/batches/${batch.batchId}`, { auth: a1 })).json<{ total: number; deduplicated: number; export: ExportView }>();
    expect(view).toMatchObject({ total: 0, deduplicated: 1, export: { state: 'due' } });
    expect(await edge.broker.zscore(exportDueKey(edge.prefix), `batch:${batch.batchId}`)).not.toBeNull();

    const own = await (await edge.request('POST', '/v1/batches', { body: { urls: [url, `${url}/new`], defaults: { dedupeWindowMs: 60_000 }, export: { format: 'jsonl' } }, auth: a1 })).json<Accepted>();
    const ownView = await (await edge.request('GET', `/v1/batches/${own.batchId}`, { auth: a1 })).json<{ total: number; deduplicated: number; export: ExportView }>();
    expect(ownView).toMatchObject({ total: 1, deduplicated: 1, export: { state: 'pending' } });
    expect(await edge.broker.zscore(exportDueKey(edge.prefix), `batch:${own.batchId}`)).toBeNull();
  });

  it('refuses a bucket the operator did not allow, a bad URL and a bad format with a 400 naming the field, and enqueues nothing', async () => {
    const edge = edgeHarness({ QUARRY_EXPORT_BUCKETS: 'tenant-exports' } as Partial<Env>);
    const cases: Array<[unknown, string, RegExp]> = [
      [{ url: 's3://quarry-artifacts/x/{id}.jsonl' }, 'export.url', /bucket "quarry-artifacts" is not one this deployment writes exports to: use one of tenant-exports/],
      [{ url: 'https://tenant-exports/x.jsonl' }, 'export.url', /must be s3:\/\/<bucket>\/<path>/],
      [{ url: 's3://tenant-exports/../other/{id}.jsonl' }, 'export.url', /may not be empty, "\." or "\.\."/],
      [{ format: 'xml' }, 'export.format', /jsonl|csv/],
      [{ format: 'csv', bucket: 'x' }, 'export', /bucket/],
    ];
    for (const [exportOption, path, message] of cases) {
      const res = await edge.request('POST', '/v1/batches', { body: { urls: ['https://example.com/r'], export: exportOption } });
      expect(res.status, JSON.stringify(exportOption)).toBe(400);
      const problem = await res.json<{ errors: { path: string; message: string }[] }>();
      expect(problem.errors[0]!.path, JSON.stringify(problem)).toBe(path);
      expect(problem.errors[0]!.message).toMatch(message);
    }
    const none = edgeHarness();
    const res = await none.request('POST', '/v1/batches', { body: { urls: ['https://example.com/r'], export: { url: 's3://tenant-exports/{id}.csv' } } });
    expect((await res.json<{ errors: { message: string }[] }>()).errors[0]!.message).toMatch(/none is configured \(QUARRY_EXPORT_BUCKETS\)/);
    expect(await edge.keys()).toEqual([]);
  });
});
