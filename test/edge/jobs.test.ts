/**
 * Edge job API inside workerd: enqueue, read back, duplicates, and the error contract.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness } from './edge-harness.ts';

describe('POST /v1/jobs', () => {
  it('answers 202 with an id and a status URL, and the job sits in the wait list', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/a', extract: { h: 'h1' } } });
    expect(res.status).toBe(202);
    const body = await res.json<{ id: string; status: string; statusUrl: string; duplicate: boolean }>();
    expect(body).toMatchObject({ status: 'waiting', duplicate: false });
    expect(body.statusUrl).toBe(`https://quarry.test/v1/jobs/${body.id}`);
    expect(await edge.broker.lrange(`${edge.prefix}:scrape:wait`, 0, -1)).toEqual([body.id]);

    const status = await edge.request('GET', `/v1/jobs/${body.id}`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ id: body.id, status: 'waiting', name: 'http', attempts: { made: 0, max: 3 } });
  });

  it('puts delayed and prioritized jobs where BullMQ expects them', async () => {
    const edge = edgeHarness();
    const delayed = await (await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/d', delayMs: 60_000 } })).json<{ id: string; status: string }>();
    const prioritized = await (await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/p', priority: 5 } })).json<{ id: string; status: string }>();
    expect(delayed.status).toBe('delayed');
    expect(prioritized.status).toBe('prioritized');
    expect(await (await edge.request('GET', `/v1/jobs/${delayed.id}`)).json()).toMatchObject({ status: 'delayed' });
    expect(await (await edge.request('GET', `/v1/jobs/${prioritized.id}`)).json()).toMatchObject({ status: 'prioritized' });
  });

  it('gives the same id for a repeated idempotency key and stores one job', async () => {
    const edge = edgeHarness();
    const send = () => edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/i', idempotencyKey: 'order-42' } });
    const first = await (await send()).json<{ id: string; duplicate: boolean }>();
    const second = await (await send()).json<{ id: string; duplicate: boolean; status: string }>();
    expect(second.id).toBe(first.id);
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, status: 'duplicate' });
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(1);
  });
});

describe('bad requests get a problem+json 4xx and enqueue nothing', () => {
  const cases: { name: string; status: number; body?: unknown; raw?: string; headers?: Record<string, string>; auth?: string | null; detail: RegExp }[] = [
    { name: 'missing url', status: 400, body: { mode: 'http' }, detail: /url/ },
    { name: 'ftp scheme', status: 400, body: { url: 'ftp://example.com/file' }, detail: /url: must be an absolute http/ },
    { name: 'non-JSON body', status: 400, raw: '{"url": ', headers: { 'content-type': 'application/json' }, detail: /not valid JSON/ },
    { name: 'wrong content type', status: 415, raw: 'url=https://example.com', headers: { 'content-type': 'application/x-www-form-urlencoded' }, detail: /application\/json/ },
    { name: 'wrong field type', status: 400, body: { url: 'https://example.com', timeoutMs: 'soon' }, detail: /timeoutMs/ },
    { name: 'timeout out of range', status: 400, body: { url: 'https://example.com', timeoutMs: 10_000_000 }, detail: /timeoutMs.*120000/ },
    { name: 'unknown field', status: 400, body: { url: 'https://example.com', colour: 'red' }, detail: /colour/ },
    { name: 'invalid selector', status: 400, body: { url: 'https://example.com', extract: { a: 'h1[[' } }, detail: /extract\.a: is not a valid CSS selector/ },
    { name: 'waitFor in http mode', status: 400, body: { url: 'https://example.com', waitFor: '#x' }, detail: /waitFor needs mode "browser"/ },
    { name: 'no API key', status: 401, body: { url: 'https://example.com' }, auth: null, detail: /Authorization: Bearer/ },
    { name: 'wrong API key', status: 401, body: { url: 'https://example.com' }, auth: 'not-a-key', detail: /not valid/ },
    { name: 'body over the limit', status: 413, raw: JSON.stringify({ url: 'https://example.com', pad: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' }, detail: /exceeds 65536 bytes/ },
  ];

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const edge = edgeHarness();
      const init: Parameters<typeof edge.request>[2] = {};
      if (testCase.body !== undefined) init.body = testCase.body;
      if (testCase.raw !== undefined) init.raw = testCase.raw;
      if (testCase.headers) init.headers = testCase.headers;
      if (testCase.auth !== undefined) init.auth = testCase.auth;
      const res = await edge.request('POST', '/v1/jobs', init);
      expect(res.status).toBe(testCase.status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = await res.json<{ status: number; detail: string; type: string }>();
      expect(problem.status).toBe(testCase.status);
      expect(problem.type).toMatch(/^urn:quarry:problem:/);
      expect(problem.detail).toMatch(testCase.detail);
      expect(await edge.keys()).toEqual([]);
    });
  }

  it('accepts a sha256: key entry', async () => {
    // global setup configures "sha256:000…" as a second key; the plaintext key still works.
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com' }, auth: 'another-key' });
    expect(res.status).toBe(401);
  });
});

describe('other routes', () => {
  it('answers unknown routes and unknown jobs with a problem+json 404', async () => {
    const edge = edgeHarness();
    const route = await edge.request('GET', '/nope');
    expect(route.status).toBe(404);
    expect(route.headers.get('content-type')).toBe('application/problem+json');
    const job = await edge.request('GET', '/v1/jobs/00000000-0000-4000-8000-000000000000');
    expect(job.status).toBe(404);
    expect((await job.json<{ detail: string }>()).detail).toMatch(/No job with id/);
  });

  it('serves /healthz without auth', async () => {
    const res = await edgeHarness().request('GET', '/healthz', { auth: null });
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 with Retry-After, never 202, when the broker is unreachable', async () => {
    const edge = edgeHarness({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9' });
    const res = await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('scopes', () => {
  it('a read-only key can read but not enqueue, and ignoreRobots needs its own scope', async () => {
    const edge = edgeHarness();
    const readKey = `${(await import('vitest')).inject('apiKey')}-read`;
    const denied = await edge.request('POST', '/v1/jobs', { body: { url: 'https://e.com/' }, auth: readKey });
    expect(denied.status).toBe(403);
    expect((await denied.json<{ detail: string }>()).detail).toMatch(/"enqueue" scope/);
    const read = await edge.request('GET', '/v1/jobs?status=failed', { auth: readKey });
    expect(read.status).toBe(200);
    const admin = await edge.request('POST', '/v1/jobs', { body: { url: 'https://e.com/', ignoreRobots: true } });
    expect(admin.status).toBe(202);
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(1);
  });
});
