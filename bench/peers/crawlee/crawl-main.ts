/**
 * @module bench/peers/crawlee/crawl-main
 * Crawlee peer: CheerioCrawler (HTTP) or PuppeteerCrawler (puppeteer-core + Debian's Chromium)
 * over the workload's URLs, storing each result in the result-store Redis (`SET key json EX`,
 * as Quarry does) so the same completion clock and checks apply. In-memory request queue.
 *
 * Protocol: prints `ready` once loaded; reads a file path (one URL per line) on stdin, prints
 * `enqueued <epoch ms>` when it hands them to the crawler and `finished` at the end.
 * Env: BENCH_CRAWLER (cheerio|puppeteer), BENCH_RESULTS_URL, BENCH_PREFIX, BENCH_CONCURRENCY,
 * BENCH_CHROMIUM, BENCH_BLOCK_ASSETS (1 blocks CSS, images, fonts and media, as Quarry does),
 * BENCH_OUTPUT (`markdown`: the body converted as Quarry's markdown format does, with mdream and
 * the same options, stored in the result; `screenshot`: a PNG of the viewport PUT into the S3
 * store BENCH_S3 names, as Quarry's artifacts effect does, its key in the result).
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { load } from 'cheerio/slim';
import { htmlToMarkdown } from 'mdream';
import { S3Client, type S3Config } from '../../../shared/artifacts/s3-client.ts';
import { resultKey } from '../../../shared/keys.ts';
import { extractJsPage, extractPage, type PeerResult } from '../extract-page.ts';
import { CHROMIUM_FLAGS } from './chromium-flags.ts';

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const prefix = env('BENCH_PREFIX');
const concurrency = Number(env('BENCH_CONCURRENCY'));
const results = new Redis(env('BENCH_RESULTS_URL'));
const store = (id: string, value: PeerResult | (PeerResult & Record<string, unknown>)) => results.set(resultKey(prefix, id), JSON.stringify(value), 'EX', 3600);
const output = process.env.BENCH_OUTPUT ?? '';
const s3 = process.env.BENCH_S3 ? new S3Client(JSON.parse(process.env.BENCH_S3) as S3Config) : undefined;
/** Quarry's markdown converter call (worker/src/formats/markdown-converter.ts) on the page's HTML. */
const markdownOf = (html: string, url: string) => htmlToMarkdown(html, { origin: url, filter: { exclude: ['title'] } }).trim();

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
      requestHandler: async ({ $, body, request }) => {
        const fields = extractPage($ as unknown as Parameters<typeof extractPage>[0]);
        const extra = output === 'markdown' ? { markdown: markdownOf(String(body), request.loadedUrl ?? request.url) } : {};
        await store(request.userData.id as string, { ...fields, ...extra });
      },
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
      const fields = extractJsPage(load(await page.content()));
      if (output === 'screenshot') {
        const key = `bench/${request.userData.id as string}/screenshot.png`;
        await s3!.put(key, await page.screenshot({ type: 'png' }), 'image/png');
        return void (await store(request.userData.id as string, { ...fields, artifacts: [{ type: 'screenshot', key }] }));
      }
      await store(request.userData.id as string, fields);
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
