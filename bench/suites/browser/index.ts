/**
 * @module bench/suites/browser
 * Issue 7, browser mode: Quarry (1 and 2 worker processes, each with its own Chromium) against
 * Crawlee's PuppeteerCrawler on Debian's chromium-headless-shell, on `/js/:n` pages whose
 * content only exists after a script ran; memory is the whole tree, Chromium included.
 */
import type { Suite } from '../../core/suite.ts';
import { runJobSuite } from '../jobs/job-suite.ts';
import { crawleeSystem } from '../jobs/systems/crawlee.ts';
import { quarrySystem } from '../jobs/systems/quarry.ts';

/** Quarry's default QUARRY_BROWSER_PAGES; Crawlee gets the same number of pages open at once. */
const PAGES = 4;

export const browserSuite: Suite = {
  id: 'browser',
  title: 'Browser rendering, end to end: Quarry vs Crawlee PuppeteerCrawler',
  run: (ctx) => runJobSuite(ctx, {
    kind: 'js',
    jobs: ctx.quick ? 100 : 200,
    baseline: 'quarry-browser-1w',
    stallTimeoutMs: 90_000,
    needs: { chromium: true },
    params: { pagesPerProcess: PAGES },
    systems: [
      quarrySystem({ workers: 1, concurrency: 10, browserPages: PAGES }, 'browser'),
      quarrySystem({ workers: 2, concurrency: 10, browserPages: PAGES }, 'browser'),
      crawleeSystem({ crawler: 'puppeteer', concurrency: PAGES }),
      crawleeSystem({ crawler: 'puppeteer', concurrency: PAGES, blockAssets: true }),
    ],
    notes: [
      `${PAGES} pages at once per browser: Quarry's QUARRY_BROWSER_PAGES (one warm incognito page per slot, wiped between jobs — cookies, storage, popups, history — HTTP cache off, CSS/images/fonts/media blocked) and Crawlee's concurrency (a new page per request in its browser pool). Both wait for #rendered, then read the DOM.`,
      'Chromium is CPU-bound on 2 shared cores: pages/s is mostly Chromium CPU per page, so two Quarry workers (two browsers) gain little.',
    ],
  }),
};
