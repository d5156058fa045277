/**
 * @module test/worker/browser-isolation
 * Warm pages are reused across jobs without leaking state, end to end with real Chromium: on a
 * worker with ONE page slot, job 1 leaves cookies, storage, IndexedDB, Cache Storage, a service
 * worker, an HTTP-cached script and window.name behind; job 2 on the same page sees none of it.
 * The request options too: after a job with headers, cookies, a POST body, its own user agent,
 * locale, time zone and the mobile device, the next job's request and page are the plain job's;
 * after a job whose browser actions set storage, a cookie and window.name, the next job sees none.
 * Also: the page's hooks (the SSRF guard) are installed once per page, and a failed install is
 * never bypassed by reuse.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultKey } from '../../shared/keys.ts';
import { installBrowserGuard } from '../../worker/src/security/browser-guard.ts';
import { createSsrfGuard } from '../../worker/src/security/ssrf-guard.ts';
import type { QuarryWorker } from '../../worker/src/quarry-worker.ts';
import { EMPTY_STATE, startIsolationSite, type IsolationSite, type SeenState } from '../support/isolation-pages.ts';
import { startRequestSite, type RequestSite } from '../support/request-pages.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
let site: IsolationSite;
let requestSite: RequestSite;

beforeAll(async () => {
  [h, site, requestSite] = await Promise.all([startHarness(), startIsolationSite(HOST_A), startRequestSite([HOST_A])]);
});
afterAll(async () => {
  await Promise.all([h?.close(), site?.close(), requestSite?.close()]);
});

/** A browser job on the request site's /echo: what the server received and what the page saw. */
async function echo(options: Record<string, unknown> = {}) {
  const job = await h.add({ url: requestSite.url('/echo'), mode: 'browser', waitFor: '#done', extract: { echo: '#echo', seen: '#seen' }, attempts: 1, ...options });
  const done = await h.settled(job, ['completed', 'failed'], 30_000);
  expect(done.failedReason).toBeUndefined();
  const { extract } = JSON.parse((await h.resultClient.get(resultKey(h.prefix, job.id!)))!);
  const received = JSON.parse(extract.echo) as { method: string; headers: Record<string, string>; body: string };
  return { method: received.method, body: received.body, headers: received.headers, seen: JSON.parse(extract.seen) as Record<string, unknown> };
}

/** Job 0 and job 2 are plain jobs on the same page; job 1 between them sets every request option. */
async function expectRequestOptionsReset() {
  const before = await echo();
  const during = await echo({
    method: 'POST', body: { json: { secret: 1 } }, headers: { 'X-Secret': 'job1' }, cookies: [{ name: 'jar', value: 'job1' }],
    userAgent: 'Job1Agent/1.0', locale: 'ja-JP', timezone: 'Pacific/Auckland', device: 'mobile', blockResources: [],
  });
  // Job 1 really had them, or the comparison below proves nothing.
  expect(during.headers).toMatchObject({ 'x-secret': 'job1', cookie: 'jar=job1', 'user-agent': 'Job1Agent/1.0' });
  expect(during.seen).toMatchObject({ timeZone: 'Pacific/Auckland', language: 'ja-JP', width: 390 });
  const after = await echo();
  expect(after.method).toBe('GET');
  expect(after.body).toBe('');
  expect(after.headers['x-secret']).toBeUndefined();
  expect(after.headers.cookie).toBeUndefined();
  expect(after.headers['user-agent']).toBe(before.headers['user-agent']);
  expect(after.headers['accept-language']).toBe(before.headers['accept-language']);
  expect(after.seen).toEqual(before.seen);
}

const found = async (jobId: string): Promise<SeenState & { serviceWorker?: string; error?: string }> => {
  const result = JSON.parse((await h.resultClient.get(resultKey(h.prefix, jobId)))!);
  return JSON.parse(result.extract.found);
};

/** Runs one browser job to completion and returns what its page reported. */
async function render(path: string) {
  const job = await h.add({ url: site.url(path), mode: 'browser', waitFor: '#done', extract: { found: '#found' }, attempts: 1 });
  const done = await h.settled(job, ['completed', 'failed'], 30_000);
  expect(done.failedReason).toBeUndefined();
  return found(job.id!);
}

/** Job 1 leaves everything behind (and reads it back, so we know it was there); job 2 sees nothing. */
async function expectNoLeak(serviceWorker: string) {
  const cachedBefore = site.hits.get('/cached.js') ?? 0;
  const first = await render('/set');
  expect(first).toMatchObject({
    cookie: 'secret=job1', local: 'job1', session: 'job1', indexedDb: ['secret-db'], caches: ['secret-cache'], windowName: 'job1', serviceWorker,
  });
  const second = await render('/get');
  expect(second).toMatchObject(EMPTY_STATE);
  expect(second.serviceWorkers === 'unavailable' || second.serviceWorkers === 0).toBe(true);
  // Only about:blank before it: history.back() cannot reach job 1's page.
  expect(second.historyLength).toBeLessThanOrEqual(2);
  // The cacheable script was fetched again: the HTTP cache did not carry over either.
  expect(site.hits.get('/cached.js')).toBe(cachedBefore + 2);
}

describe('browser page reuse, isolation between jobs', () => {
  describe('with the SSRF guard installed on each page (production set-up)', () => {
    let worker: QuarryWorker;
    let preparations = 0;
    const guard = createSsrfGuard({ allowPrivateCidrs: '127.0.0.2/31' });

    beforeAll(async () => {
      worker = await h.startWorker({ browserPages: 1 }, {
        // The worker's own guard hook, counted; it refuses /forbidden like the SSRF guard would a private address.
        checkRequest: async (url) => !url.pathname.startsWith('/forbidden'),
        preparePage: async (page: Page) => {
          preparations++;
          await installBrowserGuard(page, guard, { webSockets: 'proxy' });
        },
      });
    });
    afterAll(async () => {
      await worker?.close({ timeoutMs: 0 });
      await guard.dispatcher.destroy();
    });

    it('job 2 on the same page slot sees no cookie, storage, IndexedDB, cache or window.name of job 1', async () => {
      // The guard refuses service-worker registration outright.
      await expectNoLeak('refused: SecurityError');
      expect(worker.browserPool.launches()).toBe(1);
    });

    it('job 2 gets none of job 1\'s headers, cookies, method, user agent, locale, time zone or device', async () => {
      await expectRequestOptionsReset();
      expect(worker.browserPool.launches()).toBe(1);
    });

    it('job 2 sees nothing job 1\'s browser actions left: storage, cookies, window.name, scroll', async () => {
      const job = await h.add({
        url: site.url('/get'), mode: 'browser', waitFor: '#done', attempts: 1,
        actions: [
          { type: 'executeJavascript', script: "localStorage.setItem('secret', 'job1'); sessionStorage.setItem('secret', 'job1'); document.cookie = 'secret=job1'; window.name = 'job1'; document.body.style.height = '5000px';" },
          { type: 'scroll', direction: 'down' },
          { type: 'executeJavascript', script: 'return [localStorage.getItem(\'secret\'), document.cookie, window.name, window.scrollY > 0];' },
        ],
      });
      const done = await h.settled(job, ['completed', 'failed'], 30_000);
      expect(done.failedReason).toBeUndefined();
      // Job 1's actions really left it all behind, or the comparison below proves nothing.
      expect(JSON.parse((await h.resultClient.get(resultKey(h.prefix, job.id!)))!).actions.javascriptReturns[1]).toEqual({ type: 'array', value: ['job1', 'secret=job1', 'job1', true] });
      expect(await render('/get')).toMatchObject(EMPTY_STATE);
      expect(worker.browserPool.launches()).toBe(1);
    });

    it('installs the guard once per page, and it still refuses requests on the reused page', async () => {
      expect(preparations).toBe(1); // the jobs above, one page
      const hitsBefore = site.hits.get('/forbidden') ?? 0;
      const job = await h.add({ url: site.url('/forbidden'), mode: 'browser', attempts: 1 });
      const done = await h.settled(job, ['completed', 'failed'], 30_000);
      expect(done.failedReason).toBe('Navigation was blocked by the request check');
      expect(site.hits.get('/forbidden') ?? 0).toBe(hitsBefore);
      expect(preparations).toBe(1);
    });
  });

  describe('without the guard (service workers allowed)', () => {
    let worker: QuarryWorker;
    let preparations = 0;
    let failNext = false;

    beforeAll(async () => {
      worker = await h.startWorker({ browserPages: 1 }, {
        ssrfGuard: false,
        checkRequest: async () => true,
        preparePage: async () => {
          preparations++;
          if (failNext) {
            failNext = false;
            throw new Error('guard install failed');
          }
        },
      });
    });
    afterAll(async () => {
      await worker?.close({ timeoutMs: 0 });
    });

    it('a service worker job 1 registered is gone for job 2, with everything else', async () => {
      await expectNoLeak('registered');
      expect(preparations).toBe(1);
    });

    it('a page whose hooks failed to install never serves a job; the retry gets a new page', async () => {
      // A failed job discards the worker's only warm page, so the next job needs a new one.
      const bad = await h.add({ url: site.url('/missing'), mode: 'browser', attempts: 1 });
      expect((await h.settled(bad, ['completed', 'failed'], 30_000)).failedReason).toMatch(/404/);
      failNext = true;
      const before = preparations;
      const getsBefore = site.hits.get('/get') ?? 0;
      const job = await h.add({ url: site.url('/get'), mode: 'browser', waitFor: '#done', extract: { found: '#found' }, attempts: 2 });
      const done = await h.settled(job, ['completed', 'failed'], 30_000);
      expect(await done.getState()).toBe('completed');
      expect(done.attemptsMade).toBe(2);
      // Attempt 1's install failed before navigation: its page never requested anything and was
      // closed; attempt 2 installed again on a new page.
      expect(preparations).toBe(before + 2);
      expect(site.hits.get('/get')).toBe(getsBefore + 1);
      expect(await found(job.id!)).toMatchObject(EMPTY_STATE);
    });
  });
});
