/**
 * @module test/worker/worker-browser
 * Browser mode through the in-process worker and real Chromium: script-rendered content, blocked
 * resources, and recovery when Chromium is killed in the middle of a job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { resultKey } from '../../shared/keys.ts';
import type { QuarryWorker } from '../../worker/src/quarry-worker.ts';
import { expectedJsPage } from '../support/test-site-pages.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
let worker: QuarryWorker;

beforeAll(async () => {
  h = await startHarness();
  // The request hook the SSRF guard will use: here it refuses any path under /forbidden.
  worker = await h.startWorker({}, { checkRequest: async (url) => !url.pathname.startsWith('/forbidden') });
});
afterAll(async () => {
  await h?.close();
});

const resultOf = async (jobId: string) => JSON.parse((await h.resultClient.get(resultKey(h.prefix, jobId)))!);
const extract = { rendered: '#rendered', price: '.price' };

describe('worker, browser mode', () => {
  it('sees content a script inserts, which an http job does not', async () => {
    const url = h.site.url(HOST_A, '/js/1');
    h.site.clearLog();
    const [browserJob, httpJob] = await Promise.all([h.add({ url, mode: 'browser', extract }), h.add({ url, mode: 'http', extract })]);
    await Promise.all([h.settled(browserJob, ['completed'], 30_000), h.settled(httpJob, ['completed'])]);

    const expected = expectedJsPage(1);
    expect(await resultOf(browserJob.id!)).toMatchObject({ mode: 'browser', httpStatus: 200, title: expected.title, extract: { rendered: expected.rendered, price: expected.price } });
    expect(await resultOf(httpJob.id!)).toMatchObject({ mode: 'http', title: expected.title, extract: { rendered: null, price: null } });
    // Images, fonts, media and stylesheets are aborted before they leave the browser.
    expect(h.site.log.map((entry) => entry.path).filter((path) => path !== '/js/1')).toEqual([]);
  });

  it('waits for the waitFor selector', async () => {
    const job = await h.add({ url: h.site.url(HOST_A, '/js/2'), mode: 'browser', waitFor: '#rendered', extract });
    await h.settled(job, ['completed'], 30_000);
    expect((await resultOf(job.id!)).extract.rendered).toBe(expectedJsPage(2).rendered);
  });

  it('fails at once when checkRequest refuses the page or a redirect hop, before it is sent', async () => {
    h.site.clearLog();
    const direct = await h.add({ url: h.site.url(HOST_A, '/forbidden/1'), mode: 'browser', attempts: 3 });
    const redirected = await h.add({ url: h.site.url(HOST_A, '/redirect?to=/forbidden/2'), mode: 'browser', attempts: 3 });
    for (const job of [direct, redirected]) {
      const done = await h.settled(job, ['completed', 'failed'], 30_000);
      expect(await done.getState()).toBe('failed');
      expect(done.attemptsMade).toBe(1);
      expect(done.failedReason).toBe('Navigation was blocked by the request check');
    }
    expect(h.site.log.map((entry) => entry.path)).toEqual(['/redirect?to=/forbidden/2']);
  });

  it('retries a job whose browser was killed mid-job, on a fresh browser, and keeps serving', async () => {
    const launchesBefore = worker.browserPool.launches();
    const pid = worker.browserPool.pid();
    expect(pid).toBeTypeOf('number');
    h.site.clearLog();
    const job = await h.add({ url: h.site.url(HOST_A, '/slow?ms=800'), mode: 'browser', attempts: 3 });
    await waitFor(() => h.site.log.some((entry) => entry.path.startsWith('/slow')), { description: 'the page request' });
    process.kill(pid!, 'SIGKILL');

    const done = await h.settled(job, ['completed', 'failed'], 30_000);
    expect(await done.getState()).toBe('completed');
    expect((await resultOf(job.id!)).attempt).toBe(2);
    expect(worker.browserPool.launches()).toBe(launchesBefore + 1);
    expect(worker.browserPool.pid()).not.toBe(pid);

    const next = await h.add({ url: h.site.url(HOST_A, '/js/3'), mode: 'browser', extract });
    await h.settled(next, ['completed'], 30_000);
    expect((await resultOf(next.id!)).extract.rendered).toBe(expectedJsPage(3).rendered);
  });
});
