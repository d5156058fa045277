/**
 * GET /v1/batches/:id/results inside workerd: every stored result of a batch streamed as JSON
 * Lines or CSV (flattened by the documented rules), in item order, found whatever id each
 * item's job has (its own idempotency key, a match within the dedupe window), with an offloaded
 * result read back whole, resumable by cursor, refused to other tenants; and 100,000 results
 * generated straight into the result store come back complete and in order.
 */
import { describe, expect, inject, it } from 'vitest';
import { artifactKey } from '../../shared/artifacts/artifact-keys.ts';
import { createArtifactStore } from '../../shared/artifacts/artifact-store.ts';
import { batchKey } from '../../shared/batch-keys.ts';
import type { JobResult } from '../../shared/job-result.ts';
import { resultKey } from '../../shared/keys.ts';
import { offloadedResult } from '../../shared/result-offload.ts';
import { csvRecords, parseCsv } from '../support/csv-parse.ts';
import { edgeHarness, testKeys, type EdgeHarness } from './edge-harness.ts';

interface Accepted { batchId: string; jobs: { id: string; duplicate: boolean }[] }

const resultOf = (url: string, extra: Partial<JobResult> = {}): JobResult => ({
  url, finalUrl: url, httpStatus: 200, title: `T ${url}`, extract: { h1: `H ${url}` }, fetchedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 5, mode: 'http', attempt: 1, ...extra,
});

const plant = (edge: EdgeHarness, jobId: string, result: JobResult) => edge.results.set(resultKey(edge.prefix, jobId), JSON.stringify(result), { ex: 600 });

async function readLines(response: Response): Promise<string[]> {
  const text = await response.text();
  return text.split('\n').filter(Boolean);
}

describe('GET /v1/batches/:id/results', () => {
  it('streams the results as JSON Lines and CSV, in item order, whatever job holds each item', async () => {
    const edge = edgeHarness(inject('artifactVars') as Partial<Env>);
    const { a1, a2, b } = testKeys();
    const url = (n: number) => `https://example.com/export/${crypto.randomUUID()}/${n}`;
    // An earlier single job the batch's item 3 will match within the dedupe window.
    const earlierUrl = url(3);
    const earlier = await (await edge.request('POST', '/v1/jobs', { body: { url: earlierUrl, dedupeWindowMs: 60_000, formats: ['markdown', 'links'], extract: { h1: 'h1' } }, auth: a1 })).json<{ id: string }>();
    const common = { formats: ['markdown', 'links'], extract: { h1: 'h1' } };
    const jobs = [
      { url: url(0), ...common },
      { url: url(1), ...common, idempotencyKey: `own-${crypto.randomUUID()}` },
      { url: url(2), ...common },
      { url: earlierUrl, ...common, dedupeWindowMs: 60_000 },
      { url: url(4), ...common },
    ];
    const accepted = await (await edge.request('POST', '/v1/batches', { body: { jobs }, auth: a1 })).json<Accepted>();
    const ids = accepted.jobs.map((job) => job.id);
    expect(ids[0]).toBe(`${accepted.batchId}-0`);
    expect(ids[1]).not.toBe(`${accepted.batchId}-1`);
    expect(ids[3]).toBe(earlier.id);

    await plant(edge, ids[0]!, resultOf(jobs[0]!.url, { markdown: '# Zero\n\n- "a", b', links: ['https://example.com/x'] }));
    await plant(edge, ids[1]!, resultOf(jobs[1]!.url, { markdown: 'One', links: [] }));
    // Item 2 has no result (failed or still running): no row.
    await plant(edge, ids[3]!, resultOf(earlierUrl, { markdown: 'Three', links: [] }));
    // Item 4's result was over the inline threshold: a stub in Redis, the whole result in the store.
    const whole = resultOf(jobs[4]!.url, { markdown: 'Four, whole', links: ['https://example.com/4'] });
    const vars = inject('artifactVars');
    const store = createArtifactStore({ driver: 'local', endpoint: vars.QUARRY_ARTIFACT_ENDPOINT!, bucket: vars.QUARRY_ARTIFACT_BUCKET!, accessKeyId: vars.QUARRY_ARTIFACT_ACCESS_KEY_ID!, secretAccessKey: vars.QUARRY_ARTIFACT_SECRET_ACCESS_KEY! }, { maxBytes: 1 << 20 });
    const info = await store.put(artifactKey(ids[4]!, 'result.json'), new TextEncoder().encode(JSON.stringify(whole)), 'application/json', 600);
    await plant(edge, ids[4]!, offloadedResult(whole, { name: 'result.json', type: 'result', contentType: 'application/json', bytes: info.bytes, key: info.key }));

    const jsonl = await edge.request('GET', `/v1/batches/${accepted.batchId}/results`, { auth: a2 });
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(jsonl.headers.get('content-disposition')).toBe(`attachment; filename="${accepted.batchId}.jsonl"`);
    const rows = (await readLines(jsonl)).map((line) => JSON.parse(line) as { index: number; jobId: string } & JobResult);
    expect(rows.map((row) => [row.index, row.jobId])).toEqual([[0, ids[0]], [1, ids[1]], [3, ids[3]], [4, ids[4]]]);
    expect(rows[0]).toMatchObject({ markdown: '# Zero\n\n- "a", b', extract: { h1: `H ${jobs[0]!.url}` } });
    expect(rows[3]).toMatchObject({ markdown: 'Four, whole', links: ['https://example.com/4'] });
    expect(rows[3]!.offloaded).toBeUndefined();

    const csv = await edge.request('GET', `/v1/batches/${accepted.batchId}/results`, { auth: a1, headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('index,jobId,url,finalUrl,httpStatus,title,fetchedAt,durationMs,mode,attempt,extract.h1,markdown,links');
    const records = csvRecords(text);
    expect(records.map((record) => record.index)).toEqual(['0', '1', '3', '4']);
    expect(records[0]).toMatchObject({ jobId: ids[0], 'extract.h1': `H ${jobs[0]!.url}`, markdown: '# Zero\n\n- "a", b', links: '["https://example.com/x"]', httpStatus: '200' });

    // Resume after index 1: no header, rows from index 2 on; a limit stops early.
    const resumed = await (await edge.request('GET', `/v1/batches/${accepted.batchId}/results?format=csv&cursor=2`, { auth: a1 })).text();
    expect(parseCsv(resumed).map((row) => row[0])).toEqual(['3', '4']);
    const limited = await readLines(await edge.request('GET', `/v1/batches/${accepted.batchId}/results?format=ndjson&limit=2`, { auth: a1 }));
    expect(limited.map((line) => (JSON.parse(line) as { index: number }).index)).toEqual([0, 1]);

    // Another tenant: the same 404 as an unknown batch; bad parameters: 400.
    expect((await edge.request('GET', `/v1/batches/${accepted.batchId}/results`, { auth: b })).status).toBe(404);
    expect((await edge.request('GET', `/v1/batches/${accepted.batchId}/results?format=xml`, { auth: a1 })).status).toBe(400);
    expect((await edge.request('GET', `/v1/batches/${accepted.batchId}/results?cursor=-1`, { auth: a1 })).status).toBe(400);
  });

  it('returns 100,000 results generated straight into the result store, complete and in order', async () => {
    const edge = edgeHarness();
    const items = 100_000;
    const batchId = `0123456789ab.b-big-${crypto.randomUUID().slice(0, 8)}`;
    await edge.broker.hset(batchKey(edge.prefix, batchId), { items, total: items, completed: items, createdAt: Date.now(), columns: JSON.stringify({ extract: ['h1'], formats: ['markdown'] }) });
    await edge.broker.expire(batchKey(edge.prefix, batchId), 600);
    for (let start = 0; start < items; start += 5000) {
      const values: Record<string, string> = {};
      for (let i = start; i < start + 5000; i++) values[resultKey(edge.prefix, `${batchId}-${i}`)] = JSON.stringify(resultOf(`https://example.com/big/${i}`, { markdown: `Page ${i}` }));
      const pipe = edge.results.pipeline();
      pipe.mset(values);
      for (const key of Object.keys(values)) pipe.expire(key, 600);
      await pipe.exec();
    }

    const response = await edge.request('GET', `/v1/batches/${batchId}/results?format=jsonl`);
    expect(response.headers.get('quarry-batch-items')).toBe(String(items));
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    let next = 0;
    let wrong = 0;
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      buffered += part.value;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const row = JSON.parse(line) as { index: number; jobId: string; markdown: string };
        if (row.index !== next || row.jobId !== `${batchId}-${next}` || row.markdown !== `Page ${next}`) wrong++;
        next++;
      }
    }
    expect(buffered).toBe('');
    expect(wrong).toBe(0);
    expect(next).toBe(items);

    const csv = await (await edge.request('GET', `/v1/batches/${batchId}/results?format=csv&cursor=99990`)).text();
    expect(parseCsv(csv).map((row) => row[0])).toEqual(Array.from({ length: 10 }, (_, i) => String(99_990 + i)));
  }, 120_000);
});
