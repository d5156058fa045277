/**
 * Crawls end to end: the edge under wrangler dev, 2 real worker processes, a local multi-host
 * site (test/support/crawl-site.ts) with link cycles, fragment and tracking-parameter
 * duplicates, off-scope and external links, a robots-disallowed path, a sitemap index with a
 * gzipped child, broken links and redirects into and out of scope. Judged from the site's own
 * request log.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { verifyQuarry } from '../../shared/webhook-signature.ts';
import { startCrawlSite, expectedCrawl, type CrawlSite } from '../support/crawl-site.ts';
import { run } from '../cli/capture-io.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
const OUTSIDE = '127.0.0.5';
const RECEIVER = '127.0.0.6';
const SECRET = 'crawl-callback-secret';

let ws: WorkerStack;
let site: CrawlSite;
let slow: CrawlSite;
let edge: EdgeClient;
let receiver: Server;
let receiverUrl: string;
const received: { event: string; delivery: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  site = await startCrawlSite({ hosts: HOSTS, outside: [OUTSIDE], pagesPerHost: 12, traps: true, fillerBytes: 2000 });
  slow = await startCrawlSite({ hosts: HOSTS, pagesPerHost: 300, delayMs: 150, fillerBytes: 500 });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      const check = await verifyQuarry(req.headers['quarry-signature'] as string, body, { secrets: [SECRET] });
      const parsed = JSON.parse(body) as Record<string, unknown>;
      if (check.ok) received.push({ event: String(parsed.event), delivery: String(req.headers['quarry-delivery']), body: parsed });
      res.writeHead(check.ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, RECEIVER, resolve));
  receiverUrl = `http://${RECEIVER}:${(receiver.address() as { port: number }).port}/hook`;
  ws = await startWorkerStack({
    name: 'crawl', hosts: [...HOSTS, OUTSIDE, RECEIVER], workers: 2, edge: true,
    workerEnv: { QUARRY_CALLBACK_SECRET: SECRET, QUARRY_STALLED_INTERVAL_MS: '2000', QUARRY_LOCK_DURATION_MS: '4000' },
  });
  edge = edgeClient(ws.stack.edge!.url, ws.apiKey);
}, 120_000);

afterAll(async () => {
  await ws?.close();
  await site?.close();
  await slow?.close();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

beforeEach(() => {
  site.log.splice(0);
  slow.log.splice(0);
});

interface CrawlView {
  status: string; discovered: number; accepted: number; queued: number; completed: number; failed: number; inFlight: number;
  skipped: Record<string, number>; discoveryStopped: string | null; finishedAt: string | null; error: string | null;
}

async function startCrawl(body: Record<string, unknown>): Promise<string> {
  const response = await edge.post('/v1/crawls', body);
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function view(id: string): Promise<CrawlView> {
  return (await (await edge.get(`/v1/crawls/${id}`)).json()) as CrawlView;
}

async function finished(id: string, timeoutMs = 60_000): Promise<CrawlView> {
  return waitFor(async () => {
    const current = await view(id);
    return current.finishedAt ? current : undefined;
  }, { timeoutMs, intervalMs: 200, description: `crawl ${id} to finish` });
}

const key = (entry: { host: string; path: string }) => `${entry.host} ${entry.path}`;
const duplicates = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);

describe('crawl end to end (2 workers)', () => {
  it('fetches the whole in-scope set once each, never out of scope or disallowed, and calls back once per event', async () => {
    const seeds = HOSTS.map((host) => site.url(host, '/p/0'));
    const id = await startCrawl({ urls: seeds, limit: 1000, maxDepth: 10, excludePaths: ['^/private/'], callbackUrl: receiverUrl });
    const done = await finished(id);
    expect(done.status).toBe('completed');

    const fetched = site.pageRequests().map(key);
    expect(duplicates(fetched)).toEqual([]);
    expect(site.log.filter((entry) => entry.host === OUTSIDE)).toEqual([]);
    expect(fetched.filter((k) => k.includes('/blocked/') || k.includes('/private/'))).toEqual([]);
    const sitemapPaths = [0, 1, 2, 3, 4].map((i) => site.url(HOSTS[1]!, `/orphan/${i}`));
    const expected = expectedCrawl(site, seeds, { maxDepth: 10, sitemapPaths, excluded: ['/private/'], robotsBlocked: ['/blocked/'] });
    expect(new Set(fetched)).toEqual(new Set(expected.keys()));
    // The sitemap index and its gzipped child were read.
    expect(site.log.map((entry) => entry.path)).toEqual(expect.arrayContaining(['/sitemap-index.xml', '/sitemap-a.xml', '/sitemap-b.xml.gz']));

    const missing = [...expected.keys()].filter((k) => k.includes('/missing/')).length;
    expect(done).toMatchObject({ accepted: expected.size, completed: expected.size - missing, failed: missing, queued: 0, inFlight: 0, discoveryStopped: null });
    expect(done.discovered).toBe(done.accepted + done.skipped.robots! + done.skipped.limit!);
    expect(done.skipped.robots).toBe(HOSTS.length * 12);
    expect(done.skipped.scope).toBeGreaterThan(0);
    expect(done.skipped.duplicate).toBeGreaterThan(0);

    // Pages: JSON with a cursor, a status filter, and the whole list as NDJSON.
    const failedPage = (await (await edge.get(`/v1/crawls/${id}/pages?status=failed&limit=100`)).json()) as { pages: { status: string; httpStatus?: number; error?: string }[] };
    expect(failedPage.pages).toHaveLength(missing);
    expect(failedPage.pages.every((page) => page.status === 'failed' && /404/.test(page.error ?? ''))).toBe(true);
    let cursor: string | null = '0';
    const listed: { url: string; result?: { httpStatus: number } }[] = [];
    while (cursor !== null) {
      const page = (await (await edge.get(`/v1/crawls/${id}/pages?limit=7&cursor=${cursor}`)).json()) as { pages: typeof listed; next: string | null };
      listed.push(...page.pages);
      cursor = page.next;
    }
    expect(listed).toHaveLength(expected.size);
    const ndjson = await fetch(`${ws.stack.edge!.url}/v1/crawls/${id}/pages`, { headers: { authorization: `Bearer ${ws.apiKey}`, accept: 'application/x-ndjson' } });
    expect(ndjson.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await ndjson.text()).trim().split('\n').map((line) => JSON.parse(line) as { status: string; result?: { title: string } });
    expect(lines).toHaveLength(expected.size);
    expect(lines.filter((line) => line.status === 'completed').every((line) => line.result !== undefined)).toBe(true);

    // Callbacks: started and completed once, one page event per page.
    await waitFor(() => received.filter((r) => r.event === 'crawl.completed').length === 1 && received.filter((r) => r.event === 'crawl.page').length >= expected.size, { timeoutMs: 30_000, description: 'the callbacks' });
    const mine = received.filter((r) => r.body.crawlId === id);
    expect(mine.filter((r) => r.event === 'crawl.started')).toHaveLength(1);
    expect(mine.filter((r) => r.event === 'crawl.completed')).toHaveLength(1);
    const pageDeliveries = mine.filter((r) => r.event === 'crawl.page').map((r) => r.delivery);
    expect(new Set(pageDeliveries).size).toBe(expected.size);
    expect(pageDeliveries).toHaveLength(expected.size);
  });

  it('fetches exactly `limit` pages when the limit binds; scrape formats reach every page, the results download as CSV and are exported', async () => {
    const id = await startCrawl({ urls: HOSTS.map((host) => site.url(host, '/p/0')), limit: 17, sitemap: 'skip', excludePaths: ['^/private/'], scrape: { formats: ['markdown'], extract: { h1: 'h1' } }, export: { format: 'csv' } });
    const done = await finished(id);
    expect(done.status).toBe('completed');
    const fetched = site.pageRequests().map(key);
    expect(fetched).toHaveLength(17);
    expect(duplicates(fetched)).toEqual([]);
    expect(done).toMatchObject({ accepted: 17, discoveryStopped: 'limit' });
    expect(done.completed + done.failed).toBe(17);

    // The crawl's scrape options are each page job's: every completed page has its markdown.
    const listed = (await (await edge.get(`/v1/crawls/${id}/pages?limit=100&status=completed`)).json()) as { pages: { jobId: string; result: { title: string; markdown?: string; extract: { h1: string } } }[] };
    expect(listed.pages).toHaveLength(done.completed);
    // (a redirect, recorded as a link and not followed, has no h1)
    for (const page of listed.pages) expect(typeof page.result.markdown).toBe('string');
    const titled = listed.pages.filter((page) => page.result.extract.h1);
    expect(titled.length).toBeGreaterThan(listed.pages.length / 2);
    for (const page of titled) expect(page.result.markdown).toContain(`# ${page.result.extract.h1}`);

    // ?format=csv: one row per completed page, columns from the scrape options, resumable by list position.
    const csv = await edge.get(`/v1/crawls/${id}/pages?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await csv.text()).split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('index,jobId,url,finalUrl,httpStatus,title,fetchedAt,durationMs,mode,attempt,extract.h1,markdown');
    expect(rows).toHaveLength(done.completed + 1);
    expect(new Set(rows.slice(1).map((row) => row.split(',')[1]))).toEqual(new Set(listed.pages.map((page) => page.jobId)));
    const indexes = rows.slice(1).map((row) => Number(row.split(',')[0]));
    const resumeAt = indexes[5]! + 1;
    const rest = (await (await edge.get(`/v1/crawls/${id}/pages?format=csv&cursor=${resumeAt}`)).text()).split('\r\n').filter(Boolean);
    expect(rest).toEqual(rows.slice(7)); // no header, the rows after the 6th
    expect((await edge.get(`/v1/crawls/${id}/pages?format=xml`)).status).toBe(400);

    // The crawl's `export`: written by a worker once the crawl completed, the same rows as the download.
    const exported = await waitFor(async () => {
      const current = (await (await edge.get(`/v1/crawls/${id}`)).json()) as { export?: { state: string; rows?: number; error?: string; downloadUrl?: string } };
      return current.export && (current.export.state === 'written' || current.export.state === 'failed') ? current.export : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200, description: 'the crawl export to be written' });
    expect(exported, exported.error).toMatchObject({ state: 'written', rows: done.completed });
    expect((await (await fetch(exported.downloadUrl!)).text()).split('\r\n').filter(Boolean)).toEqual(rows);
  });

  it('respects maxDepth: seeds and their links only at maxDepth 1', async () => {
    const seeds = HOSTS.map((host) => site.url(host, '/p/0'));
    const id = await startCrawl({ urls: seeds, maxDepth: 1, sitemap: 'skip' });
    const done = await finished(id);
    const expected = expectedCrawl(site, seeds, { maxDepth: 1, robotsBlocked: ['/blocked/'] });
    const fetched = site.pageRequests().map(key);
    expect(duplicates(fetched)).toEqual([]);
    expect(new Set(fetched)).toEqual(new Set(expected.keys()));
    expect(done.skipped.depth).toBeGreaterThan(0);
    const pages = (await (await edge.get(`/v1/crawls/${id}/pages?limit=100`)).json()) as { pages: { depth: number }[] };
    expect(Math.max(...pages.pages.map((page) => page.depth))).toBe(1);
  });

  it('maps a site from its start page and sitemaps (index, gzipped child) without scraping them', async () => {
    const response = await edge.post('/v1/map', { url: site.url(HOSTS[1]!, '/p/0'), limit: 100 });
    expect(response.status, await response.clone().text()).toBe(200);
    const answer = (await response.json()) as { links: string[]; count: number; sources: { page: number; sitemap: number } };
    const paths = answer.links.map((link) => new URL(link).pathname);
    expect(paths).toEqual(expect.arrayContaining(['/p/0', '/p/1', '/orphan/0', '/orphan/4']));
    expect(answer.sources.sitemap).toBe(5); // the five orphans (p/0 came from the page first)
    expect(answer.links.every((link) => new URL(link).hostname === HOSTS[1])).toBe(true);
    expect(paths.some((path) => path.startsWith('/blocked/'))).toBe(false);
    expect(answer.links.some((link) => link.includes('#') || link.includes('utm_'))).toBe(false);
    // One page fetched (the start page); the rest came from links and sitemaps.
    expect(site.pageRequests().map((entry) => entry.path)).toEqual(['/p/0']);
  });

  it('the CLI: quarry crawl <url> --limit --depth --wait, then quarry crawl pages <id> --jsonl', async () => {
    const env = { QUARRY_URL: ws.stack.edge!.url, QUARRY_API_KEY: ws.apiKey };
    const started = await run(['crawl', site.url(HOSTS[0]!, '/p/0'), '--limit', '6', '--depth', '2', '--sitemap', 'skip', '--wait', '--json'], { env });
    expect(started.code, started.stderr).toBe(0);
    const final = JSON.parse(started.stdout) as CrawlView & { id: string };
    expect(final).toMatchObject({ status: 'completed', accepted: 6 });
    expect(started.stderr).toMatch(/progress: \d+\/\d+ pages/);
    const pages = await run(['crawl', 'pages', final.id, '--jsonl'], { env });
    expect(pages.code, pages.stderr).toBe(0);
    const lines = pages.stdout.trim().split('\n').map((line) => JSON.parse(line) as { n: number; status: string });
    expect(lines).toHaveLength(6);
    expect(new Set(lines.map((line) => line.n)).size).toBe(6);
    const bad = await run(['crawl', site.url(HOSTS[0]!, '/p/0'), '--include', '(a)\\1'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/includePaths\.0/);
  });

  it('finds links in the rendered DOM in browser mode (resolved against <base>), not in http mode', async () => {
    const seed = site.url(HOSTS[0]!, '/js/4');
    const browser = await finished(await startCrawl({ url: seed, maxDepth: 1, sitemap: 'skip', scrape: { mode: 'browser' } }));
    expect(browser.status).toBe('completed');
    expect(site.pageRequests().filter((entry) => entry.host === HOSTS[0]).map((entry) => entry.path).sort()).toEqual(['/js/4', '/p/5']);
    site.log.splice(0);
    const http = await finished(await startCrawl({ url: seed, maxDepth: 1, sitemap: 'skip' }));
    expect(http).toMatchObject({ status: 'completed', accepted: 1 });
    expect(site.pageRequests().map((entry) => entry.path)).toEqual(['/js/4']);
  });

  it('fails a crawl with sitemap "only" when no sitemap lists a URL', async () => {
    const id = await startCrawl({ url: site.url(HOSTS[0]!, '/p/0'), sitemap: 'only' });
    const done = await finished(id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/sitemap "only": no sitemap listed a URL/);
    expect(site.pageRequests()).toEqual([]);
  });

  it('cancel stops requests within 5 s and removes waiting pages', async () => {
    const id = await startCrawl({ urls: HOSTS.map((host) => slow.url(host, '/p/0')), limit: 500, sitemap: 'skip', maxConcurrency: 8 });
    await waitFor(() => slow.pageRequests().length >= 15, { timeoutMs: 30_000, description: 'the crawl to get going' });
    const response = await fetch(`${ws.stack.edge!.url}/v1/crawls/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ws.apiKey}` } });
    const cancelledAt = Date.now();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; removed: number; running: number };
    expect(body.status).toBe('cancelled');
    expect(body.removed + body.running).toBeGreaterThan(0);
    const done = await finished(id, 20_000);
    expect(done.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // the judged window itself
    expect(slow.pageRequests().filter((entry) => entry.at > cancelledAt + 5_000)).toEqual([]);
    expect((await view(id)).completed).toBeLessThan(500);
    const again = await fetch(`${ws.stack.edge!.url}/v1/crawls/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ws.apiKey}` } });
    expect(again.status).toBe(409);
  });
});
