/**
 * @module test/worker/browser-recycle
 * Bounded memory: the worker relaunches Chromium after N jobs and past an RSS ceiling, gracefully
 * (jobs on the old browser finish, then it exits), and reports launches and open pages as metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { resultKey } from '../../shared/keys.ts';
import { createBrowserPool, type BrowserPool } from '../../worker/src/browser/browser-pool.ts';
import { createPageRenderer } from '../../worker/src/browser/page-renderer.ts';
import { processTreeMemoryBytes } from '../../worker/src/browser/process-tree.ts';
import { expectedJsPage } from '../support/test-site-pages.ts';
import { HOST_A, HOST_B, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('browser recycling', () => {
  it('with QUARRY_BROWSER_RECYCLE_PAGES=3, 7 jobs all complete on 3 browsers, and the metrics say so', async () => {
    const healthPort = await freePort();
    const worker = await h.startWorker({ browserPages: 2, browserRecyclePages: 3, healthPort, healthHost: '127.0.0.1' });
    const jobs = await Promise.all(Array.from({ length: 7 }, (_, i) =>
      h.add({ url: h.site.url(i % 2 ? HOST_A : HOST_B, `/js/${i + 1}`), mode: 'browser', waitFor: '#rendered', extract: { rendered: '#rendered' }, attempts: 1 })));
    for (const [i, job] of jobs.entries()) {
      const done = await h.settled(job, ['completed', 'failed'], 60_000);
      expect(done.failedReason).toBeUndefined();
      const result = JSON.parse((await h.resultClient.get(resultKey(h.prefix, job.id!)))!);
      expect(result.extract.rendered).toBe(expectedJsPage(i + 1).rendered);
    }
    expect(worker.browserPool.launches()).toBeGreaterThanOrEqual(3);
    // Two page slots: never more pages than that, whichever browser they are on.
    await waitFor(() => worker.browserPool.pagesOpen() <= 2, { description: 'retired browsers closed' });

    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    const restarts = Number(/^quarry_browser_restarts_total (\d+)/m.exec(metrics)?.[1]);
    expect(restarts).toBe(worker.browserPool.launches() - 1);
    expect(Number(/^quarry_browser_pages_open (\d+)/m.exec(metrics)?.[1])).toBe(worker.browserPool.pagesOpen());
    await worker.close({ timeoutMs: 0 });
  });

  describe('the pool itself', () => {
    let pool: BrowserPool | undefined;
    afterAll(async () => {
      await pool?.close();
    });

    it('past the RSS ceiling, relaunches; the old browser exits once its jobs are done', async () => {
      const pids: number[] = [];
      const opened: number[] = [];
      pool = createBrowserPool({
        executablePath: h.config.browserExecutablePath, maxPages: 2, recyclePages: 0,
        // Any real Chromium is over 1 MiB, and every release may check.
        maxRssMb: 1, rssCheckIntervalMs: 0,
        onLaunch: () => pids.push(pool!.pid()!),
        onPagesOpen: (open) => opened.push(open),
      });
      const renderer = createPageRenderer({ pool, maxRedirects: 5 });
      const first = await renderer.render({ url: h.site.url(HOST_A, '/js/1'), timeoutMs: 20_000, waitFor: '#rendered' });
      expect(first.html).toContain(expectedJsPage(1).rendered);
      expect(await processTreeMemoryBytes(pids[0]!)).toBeGreaterThan(2 ** 20);
      await waitFor(() => !alive(pids[0]!), { timeoutMs: 15_000, description: 'the first browser to exit after the RSS check' });

      const second = await renderer.render({ url: h.site.url(HOST_A, '/js/2'), timeoutMs: 20_000, waitFor: '#rendered' });
      expect(second.html).toContain(expectedJsPage(2).rendered);
      expect(pool.launches()).toBe(2);
      expect(pids[1]).not.toBe(pids[0]);
      expect(Math.max(...opened)).toBeLessThanOrEqual(2);
    });

    it('a page reused for many jobs collects no listeners from them', async () => {
      await pool?.close();
      pool = createBrowserPool({ executablePath: h.config.browserExecutablePath, maxPages: 1 });
      const renderer = createPageRenderer({ pool, maxRedirects: 5 });
      const listeners = async () => {
        const lease = await pool!.acquire();
        const counts = [lease.page.listenerCount('error'), lease.page.listenerCount('request'), lease.browser.listenerCount('disconnected')];
        lease.release(true);
        return { page: lease.page, counts };
      };
      await renderer.render({ url: h.site.url(HOST_A, '/js/1'), timeoutMs: 20_000, waitFor: '#rendered' });
      const after1 = await listeners();
      for (let n = 2; n <= 4; n++) await renderer.render({ url: h.site.url(HOST_A, `/js/${n}`), timeoutMs: 20_000, waitFor: '#rendered' });
      const after4 = await listeners();
      expect(after4.page).toBe(after1.page); // the same warm page all along
      expect(after4.counts).toEqual(after1.counts);
    });
  });
});
