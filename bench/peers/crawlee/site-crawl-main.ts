/**
 * @module bench/peers/crawlee/site-crawl-main
 * Crawlee peer of the crawl suite: CheerioCrawler from the seeds, `enqueueLinks` restricted to
 * the seeds' hosts (globs), `maxRequestsPerCrawl` as the page limit, fixed concurrency,
 * in-memory request queue. Each page's title is read (the work Quarry's default result does).
 *
 * Protocol: prints `ready`; on a line on stdin starts crawling; prints `finished <pages>`.
 * Env: BENCH_SEEDS (comma-separated), BENCH_LIMIT, BENCH_CONCURRENCY.
 */
import { createInterface } from 'node:readline';

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const seeds = env('BENCH_SEEDS').split(',');
const limit = Number(env('BENCH_LIMIT'));
const concurrency = Number(env('BENCH_CONCURRENCY'));
const crawlee = await import('@crawlee/cheerio');
crawlee.log.setLevel(crawlee.log.LEVELS.WARNING);
const config = new crawlee.Configuration({ persistStorage: false, purgeOnStart: true });
const globs = seeds.map((seed) => `${new URL(seed).origin}/**`);
let pages = 0;
const crawler = new crawlee.CheerioCrawler({
  minConcurrency: concurrency, maxConcurrency: concurrency, maxRequestRetries: 0, maxRequestsPerCrawl: limit,
  async requestHandler({ $, enqueueLinks }) {
    pages++;
    void $('title').text();
    await enqueueLinks({ globs });
  },
  // Broken links (404) are pages too: count them, do not retry them.
  failedRequestHandler() { pages++; },
}, config);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await lines[Symbol.asyncIterator]().next();
await crawler.run(seeds);
process.stdout.write(`finished ${pages}\n`);
lines.close();
await new Promise((resolve) => process.once('SIGTERM', resolve));
process.exit(0);
