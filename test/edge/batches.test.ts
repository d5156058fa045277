/**
 * Batches inside workerd: pipelined enqueue, all-or-nothing validation, idempotent retries.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness } from './edge-harness.ts';

interface Accepted { batchId: string; count: number; deduplicated: number; jobs: { id: string; duplicate: boolean }[] }

describe('POST /v1/batches', () => {
  it('enqueues 2,500 jobs in chunks and reports the batch', async () => {
    const edge = edgeHarness();
    const urls = Array.from({ length: 2500 }, (_, i) => `https://example.com/p/${i}`);
    const res = await edge.request('POST', '/v1/batches', { body: { urls, defaults: { mode: 'http', extract: { h: 'h1' } } } });
    expect(res.status).toBe(202);
    const body = await res.json<Accepted>();
    expect(body).toMatchObject({ count: 2500, deduplicated: 0 });
    expect(new Set(body.jobs.map((j) => j.id)).size).toBe(2500);
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(2500);
    const view = await (await edge.request('GET', `/v1/batches/${body.batchId}`)).json();
    expect(view).toMatchObject({ batchId: body.batchId, total: 2500, completed: 0, failed: 0, pending: 2500, state: 'running', progress: 0 });
  });

  it('rejects the whole batch when one item is bad, naming every bad index', async () => {
    const edge = edgeHarness();
    const jobs = [{ url: 'https://example.com/ok' }, { url: 'ftp://bad' }, { url: 'https://example.com/x', timeoutMs: 5 }];
    const res = await edge.request('POST', '/v1/batches', { body: { jobs } });
    expect(res.status).toBe(400);
    const problem = await res.json<{ errors: { path: string }[]; invalidItems: number; accepted: number }>();
    expect(problem.errors.map((e) => e.path)).toEqual(['jobs.1.url', 'jobs.2.timeoutMs']);
    expect(problem).toMatchObject({ invalidItems: 2, accepted: 0 });
    expect(await edge.keys()).toEqual([]);
  });

  it('refuses more than 10,000 items and a url in defaults', async () => {
    const edge = edgeHarness();
    const tooMany = await edge.request('POST', '/v1/batches', { body: { urls: Array.from({ length: 10_001 }, () => 'https://e.com/') } });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json<{ detail: string }>()).detail).toMatch(/at most 10000/);
    const badDefaults = await edge.request('POST', '/v1/batches', { body: { urls: ['https://e.com/'], defaults: { url: 'https://x.com/' } } });
    expect(badDefaults.status).toBe(400);
    expect(await edge.keys()).toEqual([]);
  });

  it('a retried batch with the same Idempotency-Key creates nothing new', async () => {
    const edge = edgeHarness();
    const send = () => edge.request('POST', '/v1/batches', { body: { urls: ['https://e.com/1', 'https://e.com/2', 'https://e.com/3'] }, headers: { 'idempotency-key': 'nightly-2026-11-24' } });
    const first = await (await send()).json<Accepted>();
    const second = await (await send()).json<Accepted>();
    expect(second.batchId).toBe(first.batchId);
    expect(second).toMatchObject({ count: 0, deduplicated: 3 });
    expect(second.jobs.map((j) => j.id)).toEqual(first.jobs.map((j) => j.id));
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(3);
    expect(await (await edge.request('GET', `/v1/batches/${first.batchId}`)).json()).toMatchObject({ total: 3 });
  });
});
