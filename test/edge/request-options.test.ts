/**
 * The request options through the edge inside workerd: stored with the job, each bad field
 * refused with a 400 that names it (jobs and batches), part of the dedupe id where they change
 * the work, and described in /openapi.json.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness } from './edge-harness.ts';

type Problem = { errors: { path: string; message: string }[] };

describe('request options on POST /v1/jobs', () => {
  it('stores every request option in the job data', async () => {
    const edge = edgeHarness();
    const body = {
      url: 'https://example.com/r', mode: 'browser', method: 'POST', body: { json: { q: 1 } }, headers: { 'X-Api-Key': 'k' },
      cookies: [{ name: 's', value: '1', path: '/', secure: true }], userAgent: 'A/1', locale: 'de-DE', timezone: 'Europe/Berlin',
      device: 'mobile', blockResources: ['image'],
    };
    const res = await edge.request('POST', '/v1/jobs', { body });
    expect(res.status).toBe(202);
    const { id } = await res.json<{ id: string }>();
    const data = JSON.parse((await edge.broker.hget<string>(`${edge.prefix}:scrape:${id}`, 'data'))!) as { request: Record<string, unknown> };
    const { url: _url, mode: _mode, ...options } = body;
    expect(data.request).toMatchObject(options);
  });

  it('refuses a Cookie header with a 400 naming it, and enqueues nothing', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/c', headers: { Cookie: 'a=1', Host: 'evil' } } });
    expect(res.status).toBe(400);
    const problem = await res.json<Problem>();
    expect(problem.errors).toEqual([
      { path: 'headers.Cookie', message: expect.stringMatching(/^"Cookie" cannot be set: it has its own field/) },
      { path: 'headers.Host', message: expect.stringMatching(/^"Host" cannot be set: it comes from the URL/) },
    ]);
    expect(await edge.keys()).toEqual([]);
  });

  it('names the field of a bad body, time zone or locale, in a batch by item', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/batches', {
      body: { jobs: [{ url: 'https://example.com/1', body: 'x' }, { url: 'https://example.com/2', mode: 'browser', timezone: 'Nowhere/City', locale: '??' }] },
    });
    expect(res.status).toBe(400);
    const problem = await res.json<Problem>();
    expect(problem.errors.map((error) => error.path).sort()).toEqual(['jobs.0.body', 'jobs.1.locale', 'jobs.1.timezone']);
    expect(await edge.keys()).toEqual([]);
  });

  it('dedupes the same request, but not the same URL with another body or device', async () => {
    const edge = edgeHarness();
    const post = async (extra: Record<string, unknown>) => (await (await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/d', dedupeWindowMs: 60_000, ...extra } })).json<{ id: string; duplicate: boolean }>());
    const first = await post({ method: 'POST', body: { json: { page: 1 } } });
    expect(await post({ method: 'POST', body: { json: { page: 1 } } })).toEqual(expect.objectContaining({ id: first.id, duplicate: true }));
    expect((await post({ method: 'POST', body: { json: { page: 2 } } })).duplicate).toBe(false);
    expect((await post({ method: 'POST', body: { json: { page: 1 } }, device: 'mobile' })).duplicate).toBe(false);
  });

  it('describes every request option in the OpenAPI document', async () => {
    const edge = edgeHarness();
    const doc = await (await edge.request('GET', '/openapi.json', { auth: null })).json<{ paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: { properties: Record<string, { description?: string }> } }> } } }> }>();
    const properties = doc.paths['/v1/jobs']!.post!.requestBody.content['application/json']!.schema.properties;
    for (const field of ['method', 'body', 'headers', 'cookies', 'userAgent', 'locale', 'timezone', 'device', 'blockResources', 'proxy']) {
      expect(properties[field], field).toBeDefined();
      expect(JSON.stringify(properties[field]), field).toMatch(/"description"/);
    }
    expect(JSON.stringify(properties.headers)).toContain('X-Api-Key');
  });

  it('names a bad proxy choice in a job and in a domain default, and stores a good one', async () => {
    const edge = edgeHarness();
    const bad = async (proxy: unknown) => {
      const res = await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/p', proxy } });
      expect(res.status, JSON.stringify(proxy)).toBe(400);
      return (await res.json<Problem>()).errors;
    };
    expect(await bad('direct')).toEqual([{ path: 'proxy', message: expect.stringMatching(/must be "none", "auto" or \{"pool"/) }]);
    expect((await bad({ pool: 'none' }))[0]!.message).toMatch(/not pool names/);
    expect((await bad({ pool: 'dc', session: 'a b' }))[0]).toEqual({ path: 'proxy.session', message: expect.stringMatching(/session key/) });
    expect(await edge.keys()).toEqual([]);
    const res = await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/p', proxy: { pool: 'dc', session: 'cart-1' } } });
    expect(res.status).toBe(202);
    const { id } = await res.json<{ id: string }>();
    const data = JSON.parse((await edge.broker.hget<string>(`${edge.prefix}:scrape:${id}`, 'data'))!) as { request: Record<string, unknown> };
    expect(data.request.proxy).toEqual({ pool: 'dc', session: 'cart-1' });
    const domain = await edge.request('PUT', '/v1/domains/example.com/limits', { body: { proxy: { pool: 'dc', session: 'shared' } } });
    expect(domain.status).toBe(400);
    expect(JSON.stringify(await domain.json())).toContain('proxy');
  });
});
