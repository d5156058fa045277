/**
 * Tenant isolation inside workerd: every route that names a job or batch answers another
 * tenant exactly like an unknown id, listings hold only the caller's jobs (in a bounded scan),
 * keys of one tenant share its jobs and idempotency keys, and an admin key sees everything.
 */
import { describe, expect, it } from 'vitest';
import { resultKey } from '../../shared/keys.ts';
import { edgeHarness, testKeys, type EdgeHarness } from './edge-harness.ts';

const keys = testKeys();
type Accepted = { id: string; duplicate: boolean };

async function enqueue(edge: EdgeHarness, auth: string, body: unknown = { url: 'https://e.com/' }, headers: Record<string, string> = {}): Promise<Accepted> {
  const res = await edge.request('POST', '/v1/jobs', { body, auth, headers });
  expect(res.status).toBe(202);
  return res.json<Accepted>();
}

/** Moves a job to failed the way a worker would leave it (no worker runs in this suite). */
async function markFailed(edge: EdgeHarness, id: string, score = Date.now()) {
  await edge.broker.lrem(`${edge.prefix}:scrape:wait`, 0, id);
  await edge.broker.zadd(`${edge.prefix}:scrape:failed`, { score, member: id });
  await edge.broker.hset(`${edge.prefix}:scrape:${id}`, { failedReason: 'HTTP 500', finishedOn: String(Date.now()), atm: '3' });
}

/** A 404 body with the id replaced, to compare another tenant's answer with an unknown id's. */
async function notFoundShape(res: Response, id: string) {
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return JSON.stringify(await res.json()).replaceAll(id, '<id>');
}

const unknownJobId = (id: string) => `${id.slice(0, 13)}00000000-0000-4000-8000-000000000000`;

describe('another tenant\'s job is not found', () => {
  const routes: { name: string; method: string; path: (id: string) => string }[] = [
    { name: 'GET /v1/jobs/:id', method: 'GET', path: (id) => `/v1/jobs/${id}` },
    { name: 'GET /v1/jobs/:id?wait=', method: 'GET', path: (id) => `/v1/jobs/${id}?wait=1` },
    { name: 'GET /v1/jobs/:id/events', method: 'GET', path: (id) => `/v1/jobs/${id}/events` },
    { name: 'DELETE /v1/jobs/:id', method: 'DELETE', path: (id) => `/v1/jobs/${id}` },
    { name: 'POST /v1/jobs/:id/retry', method: 'POST', path: (id) => `/v1/jobs/${id}/retry` },
  ];
  for (const route of routes) {
    it(`${route.name} answers 404 to tenant B, exactly as for an unknown id, and changes nothing`, async () => {
      const edge = edgeHarness();
      const { id } = await enqueue(edge, keys.a1);
      if (route.name.includes('retry')) await markFailed(edge, id);
      const before = await edge.broker.hgetall(`${edge.prefix}:scrape:${id}`);
      const other = await edge.request(route.method, route.path(id), { auth: keys.b });
      const unknownId = unknownJobId(id);
      const unknown = await edge.request(route.method, route.path(unknownId), { auth: keys.a1 });
      expect(await notFoundShape(other, id)).toBe(await notFoundShape(unknown, unknownId));
      // A key of its own tenant (no @tenant) is another tenant too.
      expect((await edge.request(route.method, route.path(id), { auth: keys.own })).status).toBe(404);
      expect(await edge.broker.hgetall(`${edge.prefix}:scrape:${id}`)).toEqual(before);
    });
  }

  it('the owner\'s other key (same tenant) and an admin key can read, cancel and retry', async () => {
    const edge = edgeHarness();
    const { id } = await enqueue(edge, keys.a1);
    for (const auth of [keys.a1, keys.a2, keys.admin]) {
      expect(await (await edge.request('GET', `/v1/jobs/${id}`, { auth })).json()).toMatchObject({ id, status: 'waiting' });
    }
    const events = await edge.request('GET', `/v1/jobs/${id}/events`, { auth: keys.a2 });
    expect(events.status).toBe(200);
    await events.body!.cancel();
    expect((await edge.request('DELETE', `/v1/jobs/${id}`, { auth: keys.a2 })).status).toBe(200);
    const failed = (await enqueue(edge, keys.a2)).id;
    await markFailed(edge, failed);
    expect((await edge.request('POST', `/v1/jobs/${failed}/retry`, { auth: keys.a1 })).status).toBe(202);
    await markFailed(edge, failed);
    expect((await edge.request('POST', `/v1/jobs/${failed}/retry`, { auth: keys.admin })).status).toBe(202);
  });

  it('a result read from the result store after the job left the broker is checked by id too', async () => {
    const edge = edgeHarness();
    const { id } = await enqueue(edge, keys.a1);
    await edge.broker.del(`${edge.prefix}:scrape:${id}`);
    await edge.broker.lrem(`${edge.prefix}:scrape:wait`, 0, id);
    const result = { url: 'https://e.com/', finalUrl: 'https://e.com/', httpStatus: 200, title: 'secret page', extract: {}, fetchedAt: new Date().toISOString(), durationMs: 5, mode: 'http', attempt: 1 };
    await edge.results.set(resultKey(edge.prefix, id), JSON.stringify(result), { ex: 60 });
    try {
      expect(await (await edge.request('GET', `/v1/jobs/${id}`, { auth: keys.a2 })).json()).toMatchObject({ id, status: 'completed', result: { title: 'secret page' } });
      const other = await edge.request('GET', `/v1/jobs/${id}`, { auth: keys.b });
      expect(other.status).toBe(404);
      expect(JSON.stringify(await other.json())).not.toContain('secret page');
    } finally {
      await edge.results.del(resultKey(edge.prefix, id));
    }
  });

  it('GET /v1/batches/:id answers 404 to tenant B and the batch to the owner\'s keys and admin', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/batches', { body: { urls: ['https://e.com/1', 'https://e.com/2'] }, auth: keys.a1 });
    const { batchId } = await res.json<{ batchId: string }>();
    const other = await edge.request('GET', `/v1/batches/${batchId}`, { auth: keys.b });
    const unknownId = unknownJobId(batchId);
    const unknown = await edge.request('GET', `/v1/batches/${unknownId}`, { auth: keys.a1 });
    expect(await notFoundShape(other, batchId)).toBe(await notFoundShape(unknown, unknownId));
    for (const auth of [keys.a2, keys.admin]) {
      expect(await (await edge.request('GET', `/v1/batches/${batchId}`, { auth })).json()).toMatchObject({ batchId, total: 2 });
    }
  });
});

describe('GET /v1/jobs?status=', () => {
  it('lists only the caller\'s jobs; the tenant\'s two keys see the same list; admin sees all', async () => {
    const edge = edgeHarness();
    const mine = [(await enqueue(edge, keys.a1)).id, (await enqueue(edge, keys.a2)).id];
    const theirs = (await enqueue(edge, keys.b)).id;
    for (const id of [...mine, theirs]) await markFailed(edge, id);
    const list = async (auth: string) => (await edge.request('GET', '/v1/jobs?status=failed', { auth })).json<{ total: number | null; jobs: { id: string }[]; nextCursor: string | null }>();
    for (const auth of [keys.a1, keys.a2]) {
      const page = await list(auth);
      expect(page.jobs.map((j) => j.id).sort()).toEqual([...mine].sort());
      expect(page).toMatchObject({ total: null, nextCursor: null });
    }
    expect((await list(keys.b)).jobs.map((j) => j.id)).toEqual([theirs]);
    const all = await list(keys.admin);
    expect(all.total).toBe(3);
    expect(all.jobs.map((j) => j.id).sort()).toEqual([...mine, theirs].sort());
  });

  it('scans a bounded window per page and pages on with the raw cursor', async () => {
    const edge = edgeHarness();
    // 2,500 failures of tenant B, newest first, then 3 of tenant A behind them.
    const bTag = (await enqueue(edge, keys.b)).id.split('.')[0];
    const members = Array.from({ length: 2500 }, (_, i) => ({ score: 10_000 + i, member: `${bTag}.filler-${i}` }));
    for (let i = 0; i < members.length; i += 500) {
      const [first, ...rest] = members.slice(i, i + 500);
      await edge.broker.zadd(`${edge.prefix}:scrape:failed`, first!, ...rest);
    }
    const mine = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await enqueue(edge, keys.a1, { url: `https://e.com/${i}` });
      await markFailed(edge, id, 1000 + i);
      mine.push(id);
    }
    const page = async (cursor?: string) => (await edge.request('GET', `/v1/jobs?status=failed&limit=10${cursor ? `&cursor=${cursor}` : ''}`, { auth: keys.a1 }))
      .json<{ jobs: { id: string }[]; nextCursor: string | null }>();
    // limit 10 → a window of max(10 × 20, 2000) = 2,000 ids: all of them B's.
    const first = await page();
    expect(first).toEqual({ status: 'failed', total: null, jobs: [], nextCursor: '2000' });
    const second = await page(first.nextCursor!);
    expect(second.jobs.map((j) => j.id)).toEqual([...mine].reverse());
    expect(second.nextCursor).toBeNull();
    // An admin pages by position over everything, as before.
    const admin = await (await edge.request('GET', '/v1/jobs?status=failed&limit=10&cursor=2500')).json<{ total: number; jobs: { id: string }[]; nextCursor: string | null }>();
    expect(admin).toMatchObject({ total: 2503, nextCursor: null });
    expect(admin.jobs.map((j) => j.id)).toEqual([...mine].reverse());
  });
});

describe('jobs from before tenants (untagged ids)', () => {
  it('are seen by admin keys only', async () => {
    const edge = edgeHarness();
    const legacy = crypto.randomUUID();
    await edge.broker.hset(`${edge.prefix}:scrape:${legacy}`, { name: 'http', data: JSON.stringify({ request: { url: 'https://old.example/' }, acceptedAt: 1 }), timestamp: '1', atm: '0', ats: '0', opts: '{"attempts":3}' });
    await markFailed(edge, legacy);
    expect((await edge.request('GET', `/v1/jobs/${legacy}`, { auth: keys.a1 })).status).toBe(404);
    expect((await edge.request('POST', `/v1/jobs/${legacy}/retry`, { auth: keys.own })).status).toBe(404);
    expect(await (await edge.request('GET', `/v1/jobs/${legacy}`)).json()).toMatchObject({ id: legacy, status: 'failed' });
    expect((await (await edge.request('GET', '/v1/jobs?status=failed', { auth: keys.a1 })).json<{ jobs: unknown[] }>()).jobs).toEqual([]);
    expect((await (await edge.request('GET', '/v1/jobs?status=failed')).json<{ jobs: { id: string }[] }>()).jobs.map((j) => j.id)).toEqual([legacy]);
  });
});

describe('idempotency and dedupe are scoped by tenant', () => {
  it('two keys of one tenant with the same Idempotency-Key get the same job; another tenant gets its own', async () => {
    const edge = edgeHarness();
    const headers = { 'idempotency-key': 'order-7' };
    const first = await enqueue(edge, keys.a1, { url: 'https://e.com/i' }, headers);
    const rotated = await enqueue(edge, keys.a2, { url: 'https://e.com/i' }, headers);
    const other = await enqueue(edge, keys.b, { url: 'https://e.com/i' }, headers);
    expect(rotated).toEqual({ ...rotated, id: first.id, duplicate: true });
    expect(other.duplicate).toBe(false);
    expect(other.id).not.toBe(first.id);
    expect((await edge.request('GET', `/v1/jobs/${other.id}`, { auth: keys.b })).status).toBe(200);
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(2);
  });

  it('the dedupe window returns the tenant\'s earlier job, never another tenant\'s', async () => {
    const edge = edgeHarness();
    const body = { url: 'https://e.com/d', dedupeWindowMs: 60_000 };
    const first = await enqueue(edge, keys.a1, body);
    const same = await enqueue(edge, keys.a2, body);
    const other = await enqueue(edge, keys.b, body);
    expect(same).toEqual({ ...same, id: first.id, duplicate: true });
    expect(other).toEqual({ ...other, duplicate: false });
    expect(other.id).not.toBe(first.id);
  });

  it('a batch Idempotency-Key names the same batch for both keys of a tenant', async () => {
    const edge = edgeHarness();
    const send = (auth: string) => edge.request('POST', '/v1/batches', { body: { urls: ['https://e.com/1', 'https://e.com/2'] }, auth, headers: { 'idempotency-key': 'nightly' } })
      .then((r) => r.json<{ batchId: string; count: number; jobs: Accepted[] }>());
    const first = await send(keys.a1);
    const rotated = await send(keys.a2);
    const other = await send(keys.b);
    expect(rotated).toMatchObject({ batchId: first.batchId, count: 0 });
    expect(other.batchId).not.toBe(first.batchId);
    expect(other.count).toBe(2);
  });
});

describe('job data', () => {
  it('records the tenant and the submitting key', async () => {
    const edge = edgeHarness();
    const { id } = await enqueue(edge, keys.a2);
    const data = JSON.parse((await edge.broker.hget(`${edge.prefix}:scrape:${id}`, 'data'))!) as { tenant: string; submittedBy: string };
    expect(data.tenant).toBe('tenant-a');
    expect(data.submittedBy).toMatch(/^[0-9a-f]{12}$/);
  });
});
