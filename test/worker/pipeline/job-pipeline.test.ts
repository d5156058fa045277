/**
 * @module test/worker/pipeline/job-pipeline
 * The stages composed, with real parts (fetcher, Chromium, the result store on redis-server):
 * an output that needs the browser runs on the live page inside the render stage and the others
 * after it, on a page that goes back to the pool; a stored result finishes the run without a
 * fetch; a job that wants a browser output in http mode fails before any request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobResult } from '../../../shared/job-result.ts';
import { createBrowserPool, type BrowserPool } from '../../../worker/src/browser/browser-pool.ts';
import { createPageRenderer } from '../../../worker/src/browser/page-renderer.ts';
import { InvalidJobError } from '../../../worker/src/errors/index.ts';
import { createHttpFetcher } from '../../../worker/src/http/http-fetcher.ts';
import { createJobPipeline } from '../../../worker/src/pipeline/job-pipeline.ts';
import { createOutputs, defineOutput } from '../../../worker/src/pipeline/outputs/index.ts';
import { defineEffect, runEffects, type Completion } from '../../../worker/src/effects/index.ts';
import { resultEffect } from '../../../worker/src/effects/result-effect.ts';
import { createResultStore, type ResultStore } from '../../../worker/src/result-store.ts';
import { expectedJsPage, expectedPage } from '../../support/test-site-pages.ts';
import { HOST_A, startHarness, type Harness } from '../harness.ts';
import { testContext } from './context.ts';

let h: Harness;
let pool: BrowserPool;
let store: ResultStore;
beforeAll(async () => {
  h = await startHarness();
  pool = createBrowserPool({ executablePath: h.config.browserExecutablePath, maxPages: 1 });
  store = createResultStore({ client: h.resultClient, prefix: h.prefix, ttlSeconds: 60 });
});
afterAll(async () => {
  await pool?.close();
  await h?.close();
});

/** The result effect on the real result store, then one that records what it sees. */
function effectsRecording(seen: { jobId: string; completion: Completion }[] = []) {
  const result = resultEffect(store);
  const record = defineEffect({ name: 'record', async completed({ jobId }, completion) { seen.push({ jobId, completion }); } });
  return runEffects([result, record], (jobId) => result.recall(jobId));
}

const fetcher = createHttpFetcher({ userAgent: 'QuarryTest/1', maxBodyBytes: 256 * 1024, maxRedirects: 5 });

/** Reads the title from the live page (what a screenshot output would hold). */
const liveTitle = defineOutput({
  name: 'live-title',
  needsBrowser: true,
  wanted: (options) => options.mode === 'browser',
  async run(page) {
    return { result: { title: await page.browser!.title() } };
  },
});
/** Runs after the render: the browser page is no longer part of the Page. */
const afterRender: string[] = [];
const pageProbe = defineOutput({
  name: 'page-probe',
  async run(page) {
    afterRender.push(page.browser === undefined ? 'no browser' : 'browser');
    return { result: { extract: { bytes: String(page.bytes) } } };
  },
});

describe('job pipeline', () => {
  it('runs a browser output on the live page inside the render, the others after it, and stores the result', async () => {
    const completed: { jobId: string; completion: Completion }[] = [];
    const pipeline = createJobPipeline({
      fetcher, renderer: createPageRenderer({ pool, maxRedirects: 5 }), effects: effectsRecording(completed), outputs: [liveTitle, pageProbe],
    });
    for (const n of [1, 2]) {
      const ctx = testContext({ url: h.site.url(HOST_A, `/js/${n}`), mode: 'browser', waitFor: '#rendered' }, { jobId: `browser-${n}` });
      const result = await pipeline(ctx);
      expect(result).toMatchObject({ title: expectedJsPage(n).title, mode: 'browser', httpStatus: 200, attempt: 1 });
      expect(Number(result.extract.bytes)).toBeGreaterThan(0);
      expect(await store.get(`browser-${n}`)).toEqual(result);
    }
    expect(afterRender).toEqual(['no browser', 'no browser']);
    expect(completed.map(({ jobId, completion }) => [jobId, completion.fromEarlierRun])).toEqual([['browser-1', false], ['browser-2', false]]);
    expect(pool.launches()).toBe(1); // the page went back to the pool both times
    expect(pool.pagesOpen()).toBe(1);
  });

  it('keeps today\'s result shape with the registered outputs (title + extract, in order)', async () => {
    const pipeline = createJobPipeline({ fetcher, renderer: createPageRenderer({ pool, maxRedirects: 5 }), effects: effectsRecording(), outputs: createOutputs() });
    const result = await pipeline(testContext({ url: h.site.url(HOST_A, '/page/4'), extract: { h1: 'h1' } }, { jobId: 'http-4' }));
    expect(Object.keys(result)).toEqual(['url', 'finalUrl', 'httpStatus', 'title', 'extract', 'fetchedAt', 'durationMs', 'mode', 'attempt']);
    expect(result).toMatchObject({ title: expectedPage(4).title, extract: { h1: expectedPage(4).h1 } });
  });

  it('finishes from a stored result without fetching, and still runs the completion effects', async () => {
    const stored: JobResult = {
      url: h.site.url(HOST_A, '/page/9'), finalUrl: h.site.url(HOST_A, '/page/9'), httpStatus: 200, title: 'earlier', extract: {},
      fetchedAt: new Date().toISOString(), durationMs: 5, mode: 'http', attempt: 1,
    };
    await store.put('stored-9', stored);
    const completed: { jobId: string; completion: Completion }[] = [];
    h.site.clearLog();
    const pipeline = createJobPipeline({
      fetcher, renderer: createPageRenderer({ pool, maxRedirects: 5 }), effects: effectsRecording(completed), outputs: createOutputs(),
    });
    expect(await pipeline(testContext({ url: stored.url }, { jobId: 'stored-9' }))).toEqual(stored);
    expect(completed).toEqual([{ jobId: 'stored-9', completion: { result: stored, artifacts: [], fromEarlierRun: true } }]);
    expect(h.site.log).toEqual([]);
  });

  it('fails an http job that wants a browser output before any request', async () => {
    const shot = defineOutput({ name: 'shot', needsBrowser: true, run: async () => ({}) });
    h.site.clearLog();
    const pipeline = createJobPipeline({ fetcher, renderer: createPageRenderer({ pool, maxRedirects: 5 }), effects: effectsRecording(), outputs: [shot] });
    await expect(pipeline(testContext({ url: h.site.url(HOST_A, '/page/1') }, { jobId: 'http-shot' }))).rejects.toBeInstanceOf(InvalidJobError);
    expect(h.site.log).toEqual([]);
  });
});
