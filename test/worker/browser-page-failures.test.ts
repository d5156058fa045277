/**
 * @module test/worker/browser-page-failures
 * A job whose page timed out or whose renderer crashed does not poison the next job on the same
 * page slot: its page is discarded (a new one is set up, guard included), nothing it left behind
 * is visible, and the browser keeps serving.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { resultKey } from '../../shared/keys.ts';
import { processTree } from '../../worker/src/browser/process-tree.ts';
import { installBrowserGuard } from '../../worker/src/security/browser-guard.ts';
import { createSsrfGuard } from '../../worker/src/security/ssrf-guard.ts';
import type { QuarryWorker } from '../../worker/src/quarry-worker.ts';
import { EMPTY_STATE, startIsolationSite, type IsolationSite } from '../support/isolation-pages.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
let site: IsolationSite;
let worker: QuarryWorker;
let preparations = 0;
const guard = createSsrfGuard({ allowPrivateCidrs: '127.0.0.2/31' });

beforeAll(async () => {
  [h, site] = await Promise.all([startHarness(), startIsolationSite(HOST_A)]);
  worker = await h.startWorker({ browserPages: 1 }, {
    preparePage: async (page: Page) => {
      preparations++;
      await installBrowserGuard(page, guard, { webSockets: 'proxy' });
    },
  });
});
afterAll(async () => {
  await Promise.all([h?.close(), site?.close()]);
  await guard.dispatcher.destroy();
});

async function readsCleanState(): Promise<void> {
  const job = await h.add({ url: site.url('/get'), mode: 'browser', waitFor: '#done', extract: { found: '#found' }, attempts: 1 });
  const done = await h.settled(job, ['completed', 'failed'], 30_000);
  expect(done.failedReason).toBeUndefined();
  const result = JSON.parse((await h.resultClient.get(resultKey(h.prefix, job.id!)))!);
  expect(JSON.parse(result.extract.found)).toMatchObject(EMPTY_STATE);
}

/** Renderer processes of the worker's Chromium (each page's, plus any spare). */
async function rendererPids(browserPid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await processTree(browserPid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('--type=renderer')) pids.push(pid);
  }
  return pids;
}

describe('browser page reuse after a failed job', () => {
  it('a job that timed out after leaving state behind: its page is discarded, the next job sees nothing', async () => {
    await readsCleanState(); // warms the only page slot
    expect(preparations).toBe(1);
    // /set leaves every kind of state, then the job times out waiting for a selector that never comes.
    const job = await h.add({ url: site.url('/set'), mode: 'browser', waitFor: '#never', timeoutMs: 1_500, attempts: 1 });
    const done = await h.settled(job, ['completed', 'failed'], 30_000);
    expect(done.failedReason).toBe('Fetch timed out after 1500 ms');

    await readsCleanState();
    expect(preparations).toBe(2); // a new page, guard installed again
    expect(worker.browserPool.launches()).toBe(1);
    expect(worker.browserPool.pagesOpen()).toBe(1);
  });

  it('a job whose renderer crashed is retried on a new page of the same browser, and the next job runs clean', async () => {
    const browserPid = worker.browserPool.pid()!;
    const before = preparations;
    h.site.clearLog();
    const job = await h.add({ url: h.site.url(HOST_A, '/slow?ms=1500'), mode: 'browser', attempts: 2 });
    await waitFor(() => h.site.log.some((entry) => entry.path.startsWith('/slow')), { description: 'the slow page request' });
    const renderers = await rendererPids(browserPid);
    expect(renderers.length).toBeGreaterThan(0);
    for (const pid of renderers) process.kill(pid, 'SIGKILL');

    const done = await h.settled(job, ['completed', 'failed'], 30_000);
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(2);
    expect(preparations).toBe(before + 1);
    // Only the page died: the browser was not relaunched.
    expect(worker.browserPool.launches()).toBe(1);
    expect(worker.browserPool.pid()).toBe(browserPid);

    await readsCleanState();
    expect(preparations).toBe(before + 1); // the retry's page was clean and is reused
  });
});
