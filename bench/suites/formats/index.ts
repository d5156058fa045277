/**
 * @module bench/suites/formats
 * Issue 14, what formats cost: HTTP jobs with `formats: ["markdown"]` against the same jobs
 * without (Quarry's plain extract, the goal being within 20 %) and against Crawlee's
 * CheerioCrawler running the same converter (mdream) in its handler; browser jobs taking a
 * screenshot (stored in the artifact store) against Crawlee's PuppeteerCrawler taking the same
 * screenshot and storing it in the same kind of store. Two suites, one table each, because the
 * two rows run on different pages (`/page/:n` and `/js/:n`).
 */
import type { Suite } from '../../core/suite.ts';
import { runJobSuite } from '../jobs/job-suite.ts';
import { crawleeSystem } from '../jobs/systems/crawlee.ts';
import { quarrySystem, type QuarrySystemOptions } from '../jobs/systems/quarry.ts';

/** Quarry's default QUARRY_CONCURRENCY (http) and QUARRY_BROWSER_PAGES (browser), as in the http and browser suites. */
const CONCURRENCY = 10;
const PAGES = 4;

const MARKDOWN: QuarrySystemOptions['request'] = { extra: { formats: ['markdown'] }, variant: 'markdown', label: '+ markdown' };
const SCREENSHOT: QuarrySystemOptions['request'] = { extra: { formats: [{ type: 'screenshot' }] }, variant: 'screenshot', label: '+ screenshot' };

export const formatsMarkdownSuite: Suite = {
  id: 'formats-markdown',
  title: 'HTTP jobs with formats: ["markdown"]: Quarry vs its plain extract and Crawlee CheerioCrawler + mdream',
  run: (ctx) => runJobSuite(ctx, {
    kind: 'page',
    jobs: ctx.quick ? 1_000 : 5_000,
    baseline: 'quarry-http-1w',
    stallTimeoutMs: 60_000,
    needs: {},
    params: { concurrency: CONCURRENCY },
    systems: [
      quarrySystem({ workers: 1, concurrency: CONCURRENCY }, 'http'),
      quarrySystem({ workers: 1, concurrency: CONCURRENCY, request: MARKDOWN }, 'http'),
      crawleeSystem({ crawler: 'cheerio', concurrency: CONCURRENCY, output: 'markdown' }),
    ],
    notes: [
      'Goal (issue 14): markdown within 20 % of the plain-extract jobs/s, and ahead of Crawlee.',
      'Every row extracts the same fields; the markdown rows also convert the whole page with mdream (Quarry\'s converter, docs/formats.md) and store the markdown in the result: Quarry in its markdown format, Crawlee in its requestHandler with the same call and options.',
    ],
  }),
};

export const formatsScreenshotSuite: Suite = {
  id: 'formats-screenshot',
  title: 'Browser jobs taking a screenshot: Quarry vs Crawlee PuppeteerCrawler',
  run: (ctx) => runJobSuite(ctx, {
    kind: 'js',
    jobs: ctx.quick ? 100 : 200,
    baseline: 'quarry-browser-screenshot-1w',
    stallTimeoutMs: 90_000,
    needs: { chromium: true },
    params: { pagesPerProcess: PAGES },
    systems: [
      quarrySystem({ workers: 1, concurrency: CONCURRENCY, browserPages: PAGES, artifacts: true, request: SCREENSHOT }, 'browser'),
      crawleeSystem({ crawler: 'puppeteer', concurrency: PAGES, blockAssets: true, output: 'screenshot' }),
      quarrySystem({ workers: 1, concurrency: CONCURRENCY, browserPages: PAGES }, 'browser'),
    ],
    notes: [
      'Goal (issue 14): ahead of Crawlee. Both wait for #rendered, read the fields, take a PNG of the 800×600 viewport and PUT it into a local S3-compatible store (dev/local/artifact-server.ts, one per row, in the harness process); CSS, images, fonts and media are blocked in both.',
      'The plain browser row (no screenshot) shows what the capture and upload cost.',
    ],
  }),
};
