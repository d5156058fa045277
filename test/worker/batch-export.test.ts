/**
 * A batch's export, written by the workers once the batch finished (real worker, redis-servers,
 * local S3 server): the worker that counts the last outcome enqueues one export job, which
 * streams the batch's results as CSV into the artifact store (expiring with the artifacts) or
 * JSON Lines into an allowed bucket under the tenant's tag, and records rows, bytes and state.
 * Written once: a repeated export job finds it written and writes nothing. An export that
 * became due without a worker enqueueing it (a cancellation at the edge) is found by the sweep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArtifactServer, type ArtifactServer } from '../../dev/local/artifact-server.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { s3ConfigOf, S3Client } from '../../shared/artifacts/index.ts';
import { batchKey } from '../../shared/batch-keys.ts';
import { EXPORT_QUEUE_NAME, exportColumnsOf, exportDestination, exportDueKey } from '../../shared/exports/index.ts';
import type { JobRequestInput } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { csvRecords } from '../support/csv-parse.ts';
import { expectedPage } from '../support/test-site-pages.ts';
import { HOST_A, jobData, jobOptions, startHarness, type Harness } from './harness.ts';

let h: Harness;
let server: ArtifactServer;
let exportsQueue: Queue;
let broker: Redis;
const TAG = '0123456789ab';

beforeAll(async () => {
  h = await startHarness();
  server = await startArtifactServer({ extraBuckets: ['tenant-exports'] });
  await h.startWorker({
    artifactDriver: 'local', artifactEndpoint: server.endpoint, artifactBucket: server.bucket,
    artifactAccessKeyId: server.accessKeyId, artifactSecretAccessKey: server.secretAccessKey,
    exportBuckets: 'tenant-exports', exportSweepIntervalMs: 1000,
  });
  broker = new Redis(h.broker.url);
  exportsQueue = new Queue(EXPORT_QUEUE_NAME, { connection: { host: '127.0.0.1', port: h.broker.port }, prefix: h.prefix });
});
afterAll(async () => {
  await exportsQueue?.close();
  broker?.disconnect();
  await server?.close();
  await h?.close();
});

/** What POST /v1/batches stores: the record (with its columns and export) and one job per item, `<batchId>-<i>`. */
async function createBatch(batchId: string, requests: JobRequestInput[], exportOption: { format: 'jsonl' | 'csv'; url?: string }) {
  const datas = requests.map((request) => ({ ...jobData(request), batchId, tenant: 'tenant-x' }));
  const record = batchKey(h.prefix, batchId);
  await broker.hset(record, {
    items: requests.length, total: requests.length, createdAt: Date.now(),
    columns: JSON.stringify(exportColumnsOf(datas.map((data) => data.request))),
    export: JSON.stringify(exportDestination(batchId, exportOption)),
  });
  for (const [i, data] of datas.entries()) await h.queue.add(data.request.mode, data, jobOptions(data.request, { jobId: `${batchId}-${i}` }));
  return { record, client: broker };
}

const exportState = (record: string) => broker.hgetall(record);

describe('batch export', () => {
  it('is written once into the artifact store as CSV when the last job finishes', async () => {
    const batchId = `${TAG}.b-csv-${Date.now()}`;
    const pages = [1, 2, 3];
    const { record } = await createBatch(batchId, pages.map((n) => ({ url: h.site.url(HOST_A, `/page/${n}`), extract: { h1: 'h1', price: '.price' }, formats: ['links'] })), { format: 'csv' });
    const written = await waitFor(async () => {
      const fields = await exportState(record);
      return fields.exportState === 'written' || fields.exportState === 'failed' ? fields : undefined;
    }, { timeoutMs: 30_000, description: 'the export to be written' });
    expect(written).toMatchObject({ exportState: 'written', exportRows: '3', exportAttempts: '1' });
    const key = exportDestination(batchId, { format: 'csv' }).key;
    expect(key).toBe(`${TAG}/${batchId}-export/results.csv`);
    const object = await new S3Client(s3ConfigOf(server.driver)).get(key);
    expect(object!.contentType).toBe('text/csv; charset=utf-8; header=present');
    expect(Number(object!.metadata['quarry-expires-at'])).toBeGreaterThan(Date.now() / 1000);
    const rows = csvRecords(new TextDecoder().decode(object!.bytes));
    expect(rows.map((row) => [row.index, row.jobId, row['extract.h1'], row['extract.price']])).toEqual(pages.map((n, i) => [String(i), `${batchId}-${i}`, expectedPage(n).h1, expectedPage(n).price]));
    expect(JSON.parse(rows[0]!.links!)).toContain(h.site.url(HOST_A, expectedPage(1).links[0]!));
    expect(Number(written.exportBytes)).toBe(object!.bytes.byteLength);
    // The file expires with the artifacts: the sweeper knows it.
    expect(await h.resultClient.zscore(`${h.prefix}:artifacts:expiry`, key)).not.toBeNull();
    expect(await h.resultClient.zcard(exportDueKey(h.prefix))).toBe(0);

    // A repeated export job (a late sweep, a duplicate) finds it written and writes nothing.
    const before = (await exportsQueue.getJobCounts('completed')).completed;
    const again = await exportsQueue.add('batch', { kind: 'batch', id: batchId }, { jobId: `again-${batchId}` });
    await waitFor(async () => ((await again.getState()) === 'completed' ? true : undefined), { timeoutMs: 10_000, description: 'the repeated job to finish' });
    expect((await exportsQueue.getJob(again.id!))!.returnvalue).toBe('written before');
    expect((await exportState(record)).exportAttempts).toBe('1');
    expect((await exportsQueue.getJobCounts('completed')).completed).toBe((before ?? 0) + 1);
  });

  it('writes JSON Lines into an allowed bucket under the tenant\'s tag; an export due without an enqueue is found by the sweep', async () => {
    const batchId = `${TAG}.b-jsonl-${Date.now()}`;
    const { record, client } = await createBatch(batchId, [{ url: h.site.url(HOST_A, '/page/7'), formats: ['markdown'] }], { format: 'jsonl', url: 's3://tenant-exports/reports/{id}.jsonl' });
    await waitFor(async () => ((await exportState(record)).exportState === 'written' ? true : undefined), { timeoutMs: 30_000, description: 'the export to be written' });
    const exports = new S3Client({ ...s3ConfigOf(server.driver), bucket: 'tenant-exports' });
    const line = JSON.parse(new TextDecoder().decode((await exports.get(`${TAG}/reports/${batchId}.jsonl`))!.bytes)) as { index: number; markdown: string };
    expect(line).toMatchObject({ index: 0, jobId: `${batchId}-0` });
    expect(line.markdown).toContain(`# ${expectedPage(7).h1}`);

    // A batch that finished by a cancellation at the edge: due, but no worker enqueued its export.
    const lateId = `${TAG}.b-late-${Date.now()}`;
    const late = batchKey(h.prefix, lateId);
    await h.resultClient.set(resultKey(h.prefix, `${lateId}-0`), JSON.stringify({ url: 'https://e.com/', finalUrl: 'https://e.com/', httpStatus: 200, title: 'Late', extract: {}, fetchedAt: new Date().toISOString(), durationMs: 1, mode: 'http', attempt: 1 }));
    await client.hset(late, { items: 2, total: 2, completed: 1, cancelled: 1, exportState: 'due', columns: '{"extract":[],"formats":[]}', export: JSON.stringify(exportDestination(lateId, { format: 'jsonl' })) });
    await client.zadd(exportDueKey(h.prefix), Date.now() - 60_000, `batch:${lateId}`);
    const fields = await waitFor(async () => {
      const state = await exportState(late);
      return state.exportState === 'written' ? state : undefined;
    }, { timeoutMs: 15_000, description: 'the sweep to enqueue and write the late export' });
    expect(fields.exportRows).toBe('1');
    expect(await client.zscore(exportDueKey(h.prefix), `batch:${lateId}`)).toBeNull();
  });
});
