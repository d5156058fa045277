/**
 * Crawl routes inside workerd (no worker runs here): validation answers 400 naming the field
 * (bad or catastrophic regexes, a negative limit, scrape options checked by the job schema),
 * creation stores the record and the seed job in one script, an idempotency key names the same
 * crawl, another tenant's crawl answers like an unknown one on every route, cancel, the empty
 * page list, and the OpenAPI document describing every crawl route.
 */
import { describe, expect, it } from 'vitest';
import { crawlKeys } from '../../shared/crawls/index.ts';
import { edgeHarness, testKeys } from './edge-harness.ts';

const keys = testKeys();
type Accepted = { id: string; status: string; duplicate: boolean; statusUrl: string; pagesUrl: string };

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return res.json<{ status: number; detail: string; errors?: { path: string; message: string }[] }>();
}

describe('POST /v1/crawls', () => {
  it('starts a crawl: record, seed job, 202 with its id', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/crawls', { body: { url: 'https://example.com/', limit: 50, scrape: { formats: ['markdown'] } } });
    expect(res.status).toBe(202);
    const body = await res.json<Accepted>();
    expect(body).toMatchObject({ status: 'running', duplicate: false });
    expect(body.id).toMatch(/^[0-9a-f]{12}\.c-/);
    expect(res.headers.get('location')).toBe(body.statusUrl);
    const record = await edge.broker.hgetall(crawlKeys(edge.prefix, body.id).record) as unknown as string[];
    expect(record).toEqual(expect.arrayContaining(['status', 'running', 'limit', '50']));
    expect(await edge.broker.lrange(`${edge.prefix}:scrape:wait`, 0, -1)).toEqual([`${body.id}-seed`]);

    const view = await (await edge.request('GET', `/v1/crawls/${body.id}`)).json<Record<string, unknown>>();
    expect(view).toMatchObject({ id: body.id, status: 'running', limit: 50, discovered: 0, accepted: 0, queued: 0, completed: 0, failed: 0, seeding: true, skipped: { robots: 0, scope: 0, depth: 0, duplicate: 0, limit: 0 } });
  });

  it('an idempotency key names the same crawl (duplicate: true, nothing new stored)', async () => {
    const edge = edgeHarness();
    const send = () => edge.request('POST', '/v1/crawls', { body: { url: 'https://example.com/' }, headers: { 'idempotency-key': 'crawl-1' } });
    const first = await (await send()).json<Accepted>();
    const second = await (await send()).json<Accepted>();
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(1);
  });

  it('400 naming the field: bad regex, catastrophic regex, negative limit, scrape options, both url and urls', async () => {
    const edge = edgeHarness();
    const cases: [unknown, string, RegExp][] = [
      [{ url: 'https://e.com/', includePaths: ['[a-'] }, 'includePaths.0', /not a regular expression/],
      [{ url: 'https://e.com/', excludePaths: ['(a)\\1'] }, 'excludePaths.0', /backreferences/],
      [{ url: 'https://e.com/', includePaths: ['((a{100}){100}){100}'] }, 'includePaths.0', /repeat count/],
      [{ url: 'https://e.com/', limit: -1 }, 'limit', /at least 1/],
      [{ url: 'https://e.com/', scrape: { formats: ['screenshot'] } }, 'scrape.formats.0', /./],
      [{ url: 'https://e.com/', scrape: { mode: 'browser', bogus: 1 } }, 'scrape', /bogus/],
      [{ url: 'https://e.com/', urls: ['https://f.com/'] }, 'url', /exactly one/],
      [{ url: 'ftp://e.com/' }, 'url', /http/],
    ];
    for (const [body, path, message] of cases) {
      const res = await edge.request('POST', '/v1/crawls', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const detail = await problem(res);
      const error = detail.errors?.find((e) => e.path === path);
      expect(error, `${JSON.stringify(body)} → ${JSON.stringify(detail.errors)}`).toBeDefined();
      expect(`${error!.message}`).toMatch(message);
    }
    expect(await edge.keys()).toEqual([]);
  });

  it('ignoreRobots needs the robots:ignore scope', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/crawls', { body: { url: 'https://e.com/', scrape: { ignoreRobots: true } }, auth: keys.a1 });
    expect(res.status).toBe(403);
  });
});

describe('a crawl belongs to its tenant', () => {
  it('another tenant\'s crawl answers 404 like an unknown one on every route', async () => {
    const edge = edgeHarness();
    const { id } = await (await edge.request('POST', '/v1/crawls', { body: { url: 'https://example.com/' }, auth: keys.a1 })).json<Accepted>();
    expect((await edge.request('GET', `/v1/crawls/${id}`, { auth: keys.a2 })).status).toBe(200);
    for (const [method, path] of [['GET', `/v1/crawls/${id}`], ['GET', `/v1/crawls/${id}/pages`], ['DELETE', `/v1/crawls/${id}`]] as const) {
      const res = await edge.request(method, path, { auth: keys.b });
      expect(res.status, `${method} ${path}`).toBe(404);
      const unknown = await edge.request(method, path.replace(id, `${id.slice(0, 13)}c-00000000-0000-4000-8000-000000000000`), { auth: keys.b });
      expect(unknown.status).toBe(404);
    }
    // The admin key sees it.
    expect((await edge.request('GET', `/v1/crawls/${id}`, { auth: keys.admin })).status).toBe(200);
  });
});

describe('DELETE /v1/crawls/:id and GET /v1/crawls/:id/pages', () => {
  it('cancels once (the seed job is removed), then 409', async () => {
    const edge = edgeHarness();
    const { id } = await (await edge.request('POST', '/v1/crawls', { body: { url: 'https://example.com/' } })).json<Accepted>();
    const res = await edge.request('DELETE', `/v1/crawls/${id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: 'cancelled', removed: 0, running: 0 });
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(0);
    const view = await (await edge.request('GET', `/v1/crawls/${id}`)).json<{ status: string; finishedAt: string | null }>();
    expect(view.status).toBe('cancelled');
    expect(view.finishedAt).not.toBeNull();
    expect((await edge.request('DELETE', `/v1/crawls/${id}`)).status).toBe(409);
  });

  it('lists no pages yet, refuses a bad filter, and streams NDJSON', async () => {
    const edge = edgeHarness();
    const { id } = await (await edge.request('POST', '/v1/crawls', { body: { url: 'https://example.com/' } })).json<Accepted>();
    const pages = await edge.request('GET', `/v1/crawls/${id}/pages`);
    expect(await pages.json()).toEqual({ id, total: 0, pages: [], next: null });
    expect((await edge.request('GET', `/v1/crawls/${id}/pages?status=maybe`)).status).toBe(400);
    expect((await edge.request('GET', `/v1/crawls/${id}/pages?limit=1000`)).status).toBe(400);
    await edge.results.rpush(crawlKeys(edge.prefix, id).pages, JSON.stringify({ status: 'failed', n: 1, url: 'https://example.com/x', depth: 1, jobId: `${id}-p1`, error: 'HTTP 404', finishedAt: new Date().toISOString() }));
    const ndjson = await edge.request('GET', `/v1/crawls/${id}/pages`, { headers: { accept: 'application/x-ndjson' } });
    expect(ndjson.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect((await ndjson.text()).trim().split('\n').map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ n: 1, status: 'failed' })]);
    expect((await edge.request('GET', '/v1/crawls/0123456789ab.c-nope/pages')).status).toBe(404);
  });

  it('an export is stored pending with the crawl and shown in its view; a bucket the operator did not allow is a 400', async () => {
    const edge = edgeHarness();
    const { id } = await (await edge.request('POST', '/v1/crawls', { body: { url: 'https://example.com/', export: { format: 'csv' } } })).json<Accepted>();
    const view = await (await edge.request('GET', `/v1/crawls/${id}`)).json<{ export?: { state: string; format: string; key: string } }>();
    expect(view.export).toMatchObject({ state: 'pending', format: 'csv', key: `${id.split('.')[0]}/${id}-export/results.csv` });
    const refused = await edge.request('POST', '/v1/crawls', { body: { url: 'https://example.com/', export: { url: 's3://elsewhere/{id}.csv' } } });
    expect(refused.status).toBe(400);
    expect((await problem(refused)).errors![0]!.path).toBe('export.url');
    const plain = await (await edge.request('POST', '/v1/crawls', { body: { url: 'https://example.com/' } })).json<Accepted>();
    expect(await (await edge.request('GET', `/v1/crawls/${plain.id}`)).json()).not.toHaveProperty('export');
  });
});

describe('OpenAPI', () => {
  it('describes every crawl route and the map route', async () => {
    const edge = edgeHarness();
    const doc = await (await edge.request('GET', '/openapi.json')).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(doc.paths['/v1/crawls']!)).toEqual(['post']);
    expect(Object.keys(doc.paths['/v1/crawls/{id}']!).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(doc.paths['/v1/crawls/{id}/pages']!)).toEqual(['get']);
    expect(Object.keys(doc.paths['/v1/map']!)).toEqual(['post']);
  });
});
