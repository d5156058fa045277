/**
 * Quarry's own dashboard views in real Chromium against the real stack (redis-servers, the edge
 * under wrangler dev, a worker process, loopback sites): log in with HTTP Basic auth, open
 * Domains and Batches and crawls, and check the numbers they show against the API's
 * (GET /v1/domains/:host, /v1/batches/:id, /v1/crawls/:id) for state made by real jobs: a batch
 * with one failing job, a crawl, a domain in cooldown after a 503 with Retry-After, a limit
 * override, a cached robots.txt and the domain's last final failure (the only write the views
 * added: one LPUSH + LTRIM per final failure, none per success). Read-only: no button or form on any view, none of bull-board's
 * job actions (which the same board shows with read-only off, so the check can fail).
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainErrorsKey } from '../../shared/domain-keys.ts';
import { findChromium } from '../../dev/local/system-deps.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { startDashboard, type DashboardServer } from '../../worker/src/dashboard/dashboard-server.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const HOST = '127.0.0.2';
const COOL = '127.0.0.3';
const USER = 'operator';
const PASSWORD = 'dashboard-views-password';

let ws: WorkerStack;
let edge: EdgeClient;
let browser: Browser;
let readOnly: DashboardServer;
let writable: DashboardServer;
let domain: string;
let coolDomain: string;

const json = async <T>(path: string) => {
  const res = await edge.get(path);
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
};

beforeAll(async () => {
  ws = await startWorkerStack({
    name: 'dash', hosts: [HOST, COOL], workers: 1, edge: true, apiKeyScopes: 'enqueue+read+admin',
    workerEnv: { QUARRY_DOMAIN_RATES: '50/1000' },
    prepareSite: (site) => site.setRobots(HOST, 'User-agent: *\nDisallow: /private\n'),
  });
  edge = edgeClient(ws.stack.edge!.url, ws.apiKey);
  domain = new URL(ws.site.origin(HOST)).host;
  coolDomain = new URL(ws.site.origin(COOL)).host;
  const settings = { redisUrl: ws.stack.brokerRedis.url, resultRedisUrl: ws.stack.resultsRedis.url, prefix: ws.prefix, port: 0, host: '127.0.0.1', user: USER, password: PASSWORD };
  readOnly = await startDashboard({ ...settings, readOnly: true });
  writable = await startDashboard({ ...settings, readOnly: false });
  browser = await puppeteer.launch({
    executablePath: findChromium(), headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await readOnly?.close();
  await writable?.close();
  await ws?.close();
});

async function open(board: DashboardServer, path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.authenticate({ username: USER, password: PASSWORD });
  const res = await page.goto(new URL(path, board.url).href, { waitUntil: 'load' });
  expect(res?.status()).toBe(200);
  return page;
}

const cells = (page: Page, row: string) => page.$$eval(`${row} td`, (tds) => Object.fromEntries(tds.map((td, i) => [td.className || String(i), td.textContent!.trim()])));

describe('dashboard views in Chromium', () => {
  let batchId: string;
  let crawlId: string;

  beforeAll(async () => {
    const limits = await fetch(`${ws.stack.edge!.url}/v1/domains/${domain}/limits`, {
      method: 'PUT', headers: { authorization: `Bearer ${ws.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rates: [{ max: 7, perMs: 60_000 }], concurrency: 3 }),
    });
    expect(limits.status, await limits.clone().text()).toBe(200);
    const batch = await edge.post('/v1/batches', { urls: [ws.site.url(HOST, '/?n=1'), ws.site.url(HOST, '/?n=2'), ws.site.url(HOST, '/status/404')] });
    expect(batch.status, await batch.clone().text()).toBe(202);
    batchId = ((await batch.json()) as { batchId: string }).batchId;
    const crawl = await edge.post('/v1/crawls', { urls: [ws.site.url(HOST, '/?crawl=1')], limit: 1, maxDepth: 0, sitemap: 'skip' });
    expect(crawl.status, await crawl.clone().text()).toBe(202);
    crawlId = ((await crawl.json()) as { id: string }).id;
    const cool = await edge.post('/v1/jobs', { url: ws.site.url(COOL, '/status/503?retryAfter=600') });
    expect(cool.status, await cool.clone().text()).toBe(202);
    await waitFor(async () => {
      const [b, c, d] = await Promise.all([
        json<{ state: string }>(`/v1/batches/${batchId}`), json<{ status: string }>(`/v1/crawls/${crawlId}`), json<{ cooldownUntil: string | null }>(`/v1/domains/${coolDomain}`),
      ]);
      // The failure's entry is the failed listener's last effect, after the batch counter.
      const errors = await ws.results.llen(domainErrorsKey(ws.prefix, domain));
      return b.state === 'finished' && c.status !== 'running' && d.cooldownUntil !== null && errors > 0 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, description: 'the batch and crawl to finish, the failure to be logged and the cooldown to start' });
  }, 90_000);

  it('Domains shows the limits, usage, cooldown and robots.txt the API reports', async () => {
    const page = await open(readOnly, '/quarry/domains');
    const api = await json<{ effective: { rates: { max: number; perMs: number }[]; concurrency: number }; usage: { windows: { used: number; max: number }[]; activeLeases: number }; cooldownUntil: string | null; robots: { origin: string; outcome: string; status: number }[] }>(`/v1/domains/${domain}`);
    const row = await cells(page, `tr[data-domain="${domain}"]`);
    expect(api.effective).toEqual({ rates: [{ max: 7, perMs: 60_000 }], concurrency: 3 });
    expect(row.limits).toBe('7/60 s; concurrency 3 (override)');
    expect(row.usage).toBe(api.usage.windows.map((w) => `${w.used}/${w.max}`).join(', '));
    expect(api.usage.windows[0]!.used).toBeGreaterThanOrEqual(4);
    expect(row.leases).toBe(String(api.usage.activeLeases));
    expect(row.throttled).toBe('no');
    expect(row.cooldown).toBe('—');
    expect(api.robots.map((r) => r.outcome)).toEqual(['parsed']);
    expect(row.robots).toMatch(new RegExp(`^${api.robots[0]!.origin.replace(/\./g, '\\.')}: parsed \\(HTTP 200\\), / allowed, age \\d+ s$`));

    // Last errors: the batch's one final failure, written once by the worker; the successes wrote nothing.
    const stored = await ws.results.lrange(domainErrorsKey(ws.prefix, domain), 0, -1);
    expect(stored.map((entry) => (JSON.parse(entry) as { jobId: string }).jobId)).toEqual([`${batchId}-2`]);
    expect((await json<{ status: string }>(`/v1/jobs/${batchId}-2`)).status).toBe('failed');
    const errorLinks = await page.$$eval(`tr[data-domain="${domain}"] .errors a`, (as) => as.map((a) => a.textContent));
    expect(errorLinks).toEqual([`${batchId}-2`]);
    expect(row.errors).toMatch(/404/);

    const cool = await json<{ cooldownUntil: string }>(`/v1/domains/${coolDomain}`);
    const coolRow = await cells(page, `tr[data-domain="${coolDomain}"]`);
    expect(coolRow.throttled).toBe('yes');
    expect(coolRow.cooldown).toBe(cool.cooldownUntil);
    expect(coolRow.limits).toBe('50/1 s; concurrency unlimited');
    expect(coolRow.errors).toBe('—');
    await page.close();
  });

  it('Batches and crawls shows the progress and failures the API reports, linking to the jobs', async () => {
    const page = await open(readOnly, '/quarry/runs');
    const batch = await json<{ total: number; completed: number; failed: number; cancelled: number }>(`/v1/batches/${batchId}`);
    expect(batch).toMatchObject({ total: 3, completed: 2, failed: 1 });
    const row = await cells(page, `tr[data-batch="${batchId}"]`);
    expect(row.progress).toBe(`${batch.completed + batch.failed + batch.cancelled}/${batch.total}`);
    expect([row.completed, row.failed]).toEqual([String(batch.completed), String(batch.failed)]);
    const links = await page.$$eval(`tr[data-batch="${batchId}"] .failures a`, (as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links).toHaveLength(1);
    const failedJob = decodeURIComponent(new URL(links[0]!).pathname.split('/').pop()!);
    expect((await json<{ status: string }>(`/v1/jobs/${failedJob}`)).status).toBe('failed');
    expect(row.failures).toMatch(/404/);

    const crawl = await json<{ status: string; completed: number; failed: number; accepted: number }>(`/v1/crawls/${crawlId}`);
    const crawlRow = await cells(page, `tr[data-crawl="${crawlId}"]`);
    expect(crawlRow.status).toMatch(new RegExp(`^${crawl.status}`));
    expect([crawlRow.completed, crawlRow.failed]).toEqual([String(crawl.completed), String(crawl.failed)]);
    expect(crawlRow.progress).toBe(`${crawl.completed + crawl.failed}/${crawl.accepted}`);

    // The failed job's link opens bull-board's page of that job.
    await page.goto(links[0]!, { waitUntil: 'networkidle0' });
    await page.waitForFunction((id) => document.body.innerText.includes(id), { timeout: 15_000 }, failedJob);
    await page.close();
  });

  it('read-only: the views have no controls, and bull-board hides its job actions', async () => {
    for (const path of ['/quarry/domains', '/quarry/runs']) {
      const page = await open(readOnly, path);
      expect(await page.$$('form, button, input, select, textarea')).toHaveLength(0);
      await page.close();
    }
    const actions = async (board: DashboardServer) => {
      const page = await open(board, '/queue/scrape?status=failed');
      await page.waitForFunction(() => document.body.innerText.includes('404'), { timeout: 15_000 });
      const labels = await page.$$eval('button', (buttons) => buttons.map((b) => b.textContent!.trim().toLowerCase()));
      await page.close();
      return labels.filter((label) => /retry|clean|remove|pause|promote|empty/.test(label));
    };
    expect(await actions(readOnly)).toEqual([]);
    expect((await actions(writable)).length).toBeGreaterThan(0);
  });
});
