/**
 * Request control end to end: the edge under wrangler dev, a worker process with real Chromium,
 * Redis, a real local forward proxy and local pages. A job that clicks "load more" until the list
 * is complete comes back with every item and what its script counted; a bad action is a 400 at
 * the edge; a failing action fails the job with its index and reason; one browser job with a
 * POST body, headers, cookies, user agent, locale, mobile device, a proxy pool and an action
 * reaches the site through the proxy with all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startActionSite, type ActionSite } from '../support/action-pages.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { startHttpProxy, type RecordingProxy } from '../support/proxies.ts';
import { startRequestSite, type RequestSite } from '../support/request-pages.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const HOST = '127.0.0.2';
let site: ActionSite;
let requestSite: RequestSite;
let proxy: RecordingProxy;
let stack: WorkerStack;
let edge: EdgeClient;

beforeAll(async () => {
  [site, requestSite, proxy] = await Promise.all([
    startActionSite(HOST), startRequestSite([HOST]), startHttpProxy({ host: '127.0.0.5', username: 'u', password: 'proxy-secret' }),
  ]);
  stack = await startWorkerStack({
    name: 'reqctl', hosts: [HOST], workers: 1, edge: true,
    workerEnv: { QUARRY_BROWSER_PAGES: '1', QUARRY_PROXY_POOLS: JSON.stringify({ dc: [proxy.url] }) },
  });
  edge = edgeClient(stack.stack.edge!.url, stack.apiKey);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await Promise.all([site?.close(), requestSite?.close(), proxy?.close()]);
});

async function submit(body: Record<string, unknown>) {
  const res = await edge.post('/v1/jobs', { mode: 'browser', attempts: 1, ...body });
  expect(res.status).toBe(202);
  return edge.waitForJob(((await res.json()) as { id: string }).id, 60_000);
}

describe('request control through the edge', () => {
  it('clicks "load more" until the list is complete, and returns what its script counted', async () => {
    const view = await submit({
      url: site.url('/more'), extract: { 'items[]': '.item' },
      actions: [
        { type: 'click', selector: '#more' }, { type: 'wait', selector: '.item:nth-child(4)' },
        { type: 'click', selector: '#more' }, { type: 'wait', selector: '.item:nth-child(6)' },
        { type: 'executeJavascript', script: "return document.querySelectorAll('.item').length;" },
      ],
    });
    expect(view.status).toBe('completed');
    expect(view.result!.extract.items).toEqual(['1', '2', '3', '4', '5', '6']);
    expect((view.result as unknown as { actions: unknown }).actions).toEqual({ screenshots: [], javascriptReturns: [{ type: 'number', value: 6 }], scrapes: [] });
  });

  it('refuses a bad action with a 400 naming it, and fails a job whose action finds nothing', async () => {
    const bad = await edge.post('/v1/jobs', { url: site.url('/more'), mode: 'browser', actions: [{ type: 'click' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('actions.0.selector');
    const view = await submit({ url: site.url('/more'), actions: [{ type: 'click', selector: '#nope' }] });
    expect(view.status).toBe('failed');
    expect(view.error).toBe("action 0 (click '#nope'): no element matches");
  });

  it('sends a browser job with every request option and an action through a pool\'s proxy', async () => {
    const view = await submit({
      url: requestSite.url('/echo'), waitFor: '#done', extract: { echo: '#echo', seen: '#seen' },
      method: 'POST', body: { json: { q: 'boots' } }, headers: { 'X-Api-Key': 'k1' }, cookies: [{ name: 'sid', value: 's1' }],
      userAgent: 'E2E/1.0', locale: 'de-DE', device: 'mobile', proxy: { pool: 'dc' },
      actions: [{ type: 'executeJavascript', script: 'return { width: screen.width, language: navigator.language };' }],
    });
    expect(view.status).toBe('completed');
    const echo = JSON.parse(String(view.result!.extract.echo)) as { method: string; headers: Record<string, string>; body: string };
    expect(echo.method).toBe('POST');
    expect(JSON.parse(echo.body)).toEqual({ q: 'boots' });
    expect(echo.headers).toMatchObject({ 'x-api-key': 'k1', cookie: 'sid=s1', 'user-agent': 'E2E/1.0', 'content-type': 'application/json' });
    expect(echo.headers['accept-language']).toMatch(/^de-DE/);
    expect((view.result as unknown as { actions: { javascriptReturns: unknown[] } }).actions.javascriptReturns).toEqual([{ type: 'object', value: { width: 390, language: 'de-DE' } }]);
    const target = new URL(requestSite.url('/')).host;
    expect(proxy.passed.filter((passed) => passed.target === target).length).toBeGreaterThan(0);
    expect(requestSite.requests('/echo').map((request) => request.from)).toEqual(['127.0.0.5']);
    expect(JSON.stringify(view)).not.toContain('proxy-secret');
  });
});
