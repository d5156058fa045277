/**
 * Batches inside workerd: chunked enqueue, all-or-nothing validation, idempotent retries, and
 * an honest answer when the broker fails part-way (through test/support/fault-proxy.ts).
 */
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { edgeHarness, type EdgeHarness } from './edge-harness.ts';

interface Accepted { batchId: string; idempotencyKey: string; count: number; deduplicated: number; replayed: number; jobs: { id: string; duplicate: boolean }[] }
interface Range { count: number; first: number | null; last: number | null }
interface Incomplete { type: string; detail: string; batchId: string; idempotencyKey: string; items: number; enqueued: Range; uncertain: Range; notSent: Range }
interface View { items: number; total: number; deduplicated: number; unaccounted: number; pending: number; completed: number; failed: number; cancelled: number; state: string }

/** An edge whose broker goes through its own lane of the fault proxy; `arm` makes the Nth broker request fail. */
function faultyEdge(): EdgeHarness & { arm(rule: { nth: number; times?: number; mode: 'refuse' | 'drop-reply' }): Promise<void>; faults(): Promise<number> } {
  const lane = crypto.randomUUID().slice(0, 8);
  const proxy = inject('brokerFaultProxyUrl');
  const edge = edgeHarness({ UPSTASH_REDIS_REST_URL: `${proxy}/lane/${lane}` });
  return Object.assign(edge, {
    async arm(rule: { nth: number; times?: number; mode: 'refuse' | 'drop-reply' }) {
      const res = await fetch(`${proxy}/__fault/${lane}`, { method: 'POST', body: JSON.stringify(rule) });
      expect(res.status).toBe(200);
    },
    async faults() {
      return (await (await fetch(`${proxy}/__fault/${lane}`)).json<{ faults: number }>()).faults;
    },
  });
}

const view = async (edge: EdgeHarness, batchId: string) => (await edge.request('GET', `/v1/batches/${batchId}`)).json<View>();
const waitingJobs = async (edge: EdgeHarness) => (await edge.broker.lrange(`${edge.prefix}:scrape:wait`, 0, -1)) as string[];

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
    expect(first).toMatchObject({ count: 3, deduplicated: 0, replayed: 0, idempotencyKey: 'nightly-2026-11-24' });
    expect(second).toMatchObject({ count: 0, deduplicated: 3, replayed: 3 });
    expect(second.jobs.map((j) => j.id)).toEqual(first.jobs.map((j) => j.id));
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(3);
    expect(await view(edge, first.batchId)).toMatchObject({ items: 3, total: 3, deduplicated: 0, unaccounted: 0, state: 'running' });
  });

  it('counts items that matched an existing job as deduplicated, in the answer and in GET', async () => {
    const edge = edgeHarness();
    const jobs = [
      { url: 'https://e.com/a', idempotencyKey: 'shared' },
      { url: 'https://e.com/b' },
      { url: 'https://e.com/c', idempotencyKey: 'shared' },
      { url: 'https://e.com/d', idempotencyKey: 'shared' },
    ];
    const res = await edge.request('POST', '/v1/batches', { body: { jobs } });
    expect(res.status).toBe(202);
    const body = await res.json<Accepted>();
    expect(body).toMatchObject({ count: 2, deduplicated: 2 });
    expect(body.jobs.map((j) => j.duplicate)).toEqual([false, false, true, true]);
    expect(body.jobs[2]!.id).toBe(body.jobs[0]!.id);
    expect(await view(edge, body.batchId)).toMatchObject({ items: 4, total: 2, deduplicated: 2, pending: 2, unaccounted: 0 });
  });
});

describe('POST /v1/batches when the broker fails part-way', () => {
  it('answers 503 with what chunks 1–5 of 10 enqueued, and a retry with the handed-back key completes the batch once', async () => {
    const edge = faultyEdge();
    const urls = Array.from({ length: 10_000 }, (_, i) => `https://example.com/p/${i}`);
    await edge.arm({ nth: 6, mode: 'refuse' }); // the 6th /multi-exec: chunk 6
    const failed = await edge.request('POST', '/v1/batches', { body: { urls } });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('content-type')).toBe('application/problem+json');
    expect(failed.headers.get('retry-after')).toBe('5');
    const problem = await failed.json<Incomplete>();
    expect(problem).toMatchObject({
      type: 'urn:quarry:problem:batch-incomplete', items: 10_000,
      enqueued: { count: 5000, first: 0, last: 4999 },
      uncertain: { count: 1000, first: 5000, last: 5999 },
      notSent: { count: 4000, first: 6000, last: 9999 },
    });
    // The client sent no key: the edge made one up and hands it back.
    expect(problem.idempotencyKey).toMatch(/^[\x21-\x7e]{8,}$/);
    expect(problem.detail).toContain(`Idempotency-Key: ${problem.idempotencyKey}`);
    expect(await edge.faults()).toBe(1);
    expect(await waitingJobs(edge)).toHaveLength(5000);
    expect(await view(edge, problem.batchId)).toMatchObject({ items: 10_000, total: 5000, unaccounted: 5000, pending: 5000, state: 'incomplete' });

    const retried = await edge.request('POST', '/v1/batches', { body: { urls }, headers: { 'idempotency-key': problem.idempotencyKey } });
    expect(retried.status).toBe(202);
    const body = await retried.json<Accepted>();
    expect(body).toMatchObject({ batchId: problem.batchId, count: 5000, deduplicated: 5000, replayed: 5000 });
    const waiting = await waitingJobs(edge);
    expect(waiting).toHaveLength(10_000);
    expect(new Set(waiting).size).toBe(10_000);
    expect(new Set(body.jobs.map((j) => j.id))).toEqual(new Set(waiting));
    const balanced = await view(edge, problem.batchId);
    expect(balanced).toMatchObject({ items: 10_000, total: 10_000, unaccounted: 0, pending: 10_000, state: 'running' });
    expect(balanced.completed + balanced.failed + balanced.cancelled + balanced.pending).toBe(balanced.total);
  });

  it('a chunk that ran but whose reply was lost (twice, with the client\'s own retry) is reported uncertain and never counted twice', async () => {
    const edge = faultyEdge();
    // 2,500 items in 3 chunks; item 2400 repeats item 5's idempotency key (a real duplicate).
    const jobs = Array.from({ length: 2500 }, (_, i) => ({ url: `https://example.com/q/${i}`, ...(i === 5 || i === 2400 ? { idempotencyKey: 'twice' } : {}) }));
    await edge.arm({ nth: 2, times: 2, mode: 'drop-reply' });
    const failed = await edge.request('POST', '/v1/batches', { body: { jobs }, headers: { 'idempotency-key': 'lost-reply' } });
    expect(failed.status).toBe(503);
    const problem = await failed.json<Incomplete>();
    expect(problem).toMatchObject({
      idempotencyKey: 'lost-reply',
      enqueued: { count: 1000, first: 0, last: 999 }, uncertain: { count: 1000, first: 1000, last: 1999 }, notSent: { count: 500, first: 2000, last: 2499 },
    });
    expect(await edge.faults()).toBe(2);
    // Chunk 2 did run (twice): all of it is in, once.
    expect(await waitingJobs(edge)).toHaveLength(2000);
    expect(await view(edge, problem.batchId)).toMatchObject({ total: 2000, unaccounted: 500, state: 'incomplete' });

    const body = await (await edge.request('POST', '/v1/batches', { body: { jobs }, headers: { 'idempotency-key': 'lost-reply' } })).json<Accepted>();
    expect(body).toMatchObject({ count: 499, deduplicated: 2001, replayed: 2000 });
    expect(body.jobs[2400]).toEqual({ id: body.jobs[5]!.id, duplicate: true });
    expect(await waitingJobs(edge)).toHaveLength(2499);
    const done = await view(edge, problem.batchId);
    expect(done).toMatchObject({ items: 2500, total: 2499, deduplicated: 1, unaccounted: 0, pending: 2499, state: 'running' });

    // A third send changes nothing.
    const again = await (await edge.request('POST', '/v1/batches', { body: { jobs }, headers: { 'idempotency-key': 'lost-reply' } })).json<Accepted>();
    expect(again).toMatchObject({ count: 0, deduplicated: 2500, replayed: 2500 });
    expect(again.jobs.map((j) => j.id)).toEqual(body.jobs.map((j) => j.id));
    expect(await view(edge, problem.batchId)).toEqual(done);
  });
});
