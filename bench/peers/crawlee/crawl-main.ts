/**
 * @module bench/peers/crawlee/crawl-main
 * Crawlee peer: CheerioCrawler (HTTP) or PuppeteerCrawler (puppeteer-core + Debian's Chromium)
 * over the workload's URLs, storing each result in the result-store Redis (`SET key json EX`,
 * as Quarry does) so the same completion clock and checks apply. In-memory request queue.
 *
 * Protocol: prints `ready` once loaded; reads a file path (one URL per line) on stdin, prints
 * `enqueued <epoch ms>` when it hands them to the crawler and `finished` at the end.
 * Env: BENCH_CRAWLER (cheerio|puppeteer), BENCH_RESULTS_URL, BENCH_PREFIX, BENCH_CONCURRENCY,
 * BENCH_CHROMIUM, BENCH_BLOCK_ASSETS (1 blocks CSS, images, fonts and media, as Quarry does).
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { load } from 'cheerio/slim';
import { resultKey } from '../../../shared/keys.ts';
import { extractJsPage, extractPage, type PeerResult } from '../extract-page.ts';
import { CHROMIUM_FLAGS } from './chromium-flags.ts';

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const prefix = env('BENCH_PREFIX');
const concurrency = Number(env('BENCH_CONCURRENCY'));
const results = new Redis(env('BENCH_RESULTS_URL'));
const store = (id: string, value: PeerResult) => results.set(resultKey(prefix, id), JSON.stringify(value), 'EX', 3600);

// Both packages re-export @crawlee/core (Configuration, log); load only the crawler in use.
const crawlee = env('BENCH_CRAWLER') === 'cheerio' ? await import('@crawlee/cheerio') : await import('@crawlee/puppeteer');
crawlee.log.setLevel(crawlee.log.LEVELS.WARNING);
// Nothing on disk: the request queue and key-value stores live in memory.
const config = new crawlee.Configuration({ persistStorage: false, purgeOnStart: true });
const pool = { minConcurrency: concurrency, maxConcurrency: concurrency, maxRequestRetries: 2, requestHandlerTimeoutSecs: 60 };

async function makeCrawler() {
  if ('CheerioCrawler' in crawlee) {
    return new crawlee.CheerioCrawler({
      ...pool,
      // Crawlee bundles its own cheerio release; the calls used here are the same in both.
      requestHandler: async ({ $, request }) => void (await store(request.userData.id as string, extractPage($ as unknown as Parameters<typeof extractPage>[0]))),
    }, config);
  }
  const puppeteer = (await import('puppeteer-core')).default;
  const executablePath = env('BENCH_CHROMIUM');
  const block = process.env.BENCH_BLOCK_ASSETS === '1';
  return new crawlee.PuppeteerCrawler({
    ...pool,
    launchContext: {
      launcher: puppeteer,
      launchOptions: { executablePath, headless: executablePath.includes('headless-shell') ? 'shell' : true, args: CHROMIUM_FLAGS },
    },
    preNavigationHooks: block ? [async ({ blockRequests }) => blockRequests({ urlPatterns: ['.css', '.png', '.woff2', '.mp4'] })] : [],
    requestHandler: async ({ page, request }) => {
      await page.waitForSelector('#rendered', { timeout: 30_000 });
      await store(request.userData.id as string, extractJsPage(load(await page.content())));
    },
  }, config);
}

const crawler = await makeCrawler();
process.stdout.write('ready\n');

const lines = createInterface({ input: process.stdin });
const [path] = await lines[Symbol.asyncIterator]().next().then((next) => [next.value as string]);
const urls = readFileSync(path!.trim(), 'utf8').split('\n').filter(Boolean);
process.stdout.write(`enqueued ${performance.timeOrigin + performance.now()}\n`);
await crawler.run(urls.map((url, i) => ({ url, uniqueKey: url, userData: { id: `c${i}` } })));
process.stdout.write('finished\n');
results.disconnect();
lines.close();
// Crawlee keeps timers (autoscaling snapshots) alive; the harness decides when to stop us.
await new Promise((resolve) => process.once('SIGTERM', resolve));
process.exit(0);
