/**
 * @module bench/suites/crawl
 * Crawling a generated site (test/support/crawl-site.ts: 2,000 pages on 4 hosts, link cycles,
 * cross-host links, fragment and utm_ duplicates) with a page limit of 1,500: Quarry with 1 and
 * 2 workers, Crawlee CheerioCrawler (enqueueLinks + maxRequestsPerCrawl) and Scrapy CrawlSpider
 * (CLOSESPIDER_PAGECOUNT). The site runs in the harness and its request log judges each run:
 * pages fetched against the limit, and duplicate fetches (the same page by its canonical URL,
 * fragment and utm_* parameters dropped, fetched more than once).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { runInterleaved } from '../../core/repeat.ts';
import type { ColumnSpec, Suite, SuiteContext, SuiteOutput } from '../../core/suite.ts';
import { diffRedisCounters, readRedisCounters } from '../../measure/redis-counters.ts';
import { startResourceMonitor } from '../../measure/resource-monitor.ts';
import { ensureBenchPackages, SYSTEM_PYTHON } from '../../setup/system-packages.ts';
import { startCrawlSite, type CrawlSiteLogEntry } from '../../../test/support/crawl-site.ts';
import { crawleeCrawler, quarryCrawler, scrapyCrawler, type CrawlerSystem } from './crawl-systems.ts';

const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const PAGES_PER_HOST = 500;
const LIMIT = 1_500;
const CONCURRENCY = 10;
const FILLER_BYTES = 15_000;
const CRAWLEE_VERSION = (createRequire(import.meta.url)('@crawlee/cheerio/package.json') as { version: string }).version;
const scrapyVersion = () => spawnSync(SYSTEM_PYTHON, ['-c', 'import scrapy; print(scrapy.__version__)'], { encoding: 'utf8' }).stdout.trim() || 'unknown';

const COLUMNS: ColumnSpec[] = [
  { key: 'pagesPerSecond', label: 'distinct pages/s', better: 'higher', digits: 1 },
  { key: 'pages', label: `pages fetched (limit ${LIMIT})`, better: 'none', digits: 0, ratio: false },
  { key: 'duplicates', label: 'duplicate fetches', better: 'lower', digits: 0, ratio: false },
  { key: 'cpuSeconds', label: 'CPU s', better: 'lower', digits: 1 },
  { key: 'peakPssMb', label: 'peak PSS MB', better: 'lower', digits: 0 },
  { key: 'brokerCommandsPerPage', label: 'broker cmds/page', better: 'lower', digits: 1 },
  { key: 'resultCommandsPerPage', label: 'result-store cmds/page', better: 'lower', digits: 1 },
  { key: 'brokerBytesPerPage', label: 'broker peak bytes/page', better: 'lower', digits: 0 },
  { key: 'loadAverage', label: 'load 1m', better: 'none', digits: 1, ratio: false },
];

/** A page by its canonical URL: fragment never sent, utm_* parameters dropped, query sorted. */
function canonical(entry: CrawlSiteLogEntry): string {
  const url = new URL(entry.path, `http://${entry.host}`);
  for (const name of [...url.searchParams.keys()]) if (name.startsWith('utm_')) url.searchParams.delete(name);
  url.searchParams.sort();
  return `${entry.host}${url.pathname}${url.search}`;
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  ensureBenchPackages({ scrapy: true }, ctx.log);
  const site = await startCrawlSite({ hosts: HOSTS, pagesPerHost: PAGES_PER_HOST, fillerBytes: FILLER_BYTES });
  const stopSite = ctx.cleanup.add('crawl site', () => site.close());
  try {
    const seeds = HOSTS.map((host) => site.url(host, '/p/0'));
    const systems: CrawlerSystem[] = [quarryCrawler(1, CONCURRENCY), quarryCrawler(2, CONCURRENCY), crawleeCrawler(CONCURRENCY), scrapyCrawler(CONCURRENCY)];
    const rows = await runInterleaved(ctx, systems.map((system) => ({
      id: system.id,
      label: system.label,
      async measure() {
        const running = await system.start({ root: ctx.root, cleanup: ctx.cleanup, verbose: ctx.verbose });
        try {
          site.log.splice(0);
          const brokerBefore = running.broker ? await readRedisCounters(running.broker) : undefined;
          const resultsBefore = running.results ? await readRedisCounters(running.results) : undefined;
          const memoryBefore = running.broker ? await usedMemory(running.broker) : 0;
          let memoryPeak = memoryBefore;
          const memoryTimer = running.broker ? setInterval(() => void usedMemory(running.broker!).then((bytes) => { memoryPeak = Math.max(memoryPeak, bytes); }).catch(() => undefined), 100) : undefined;
          const monitor = startResourceMonitor({ roots: () => running.roots() });
          const { startedAt, endedAt } = await running.crawl({ seeds, limit: LIMIT, concurrency: CONCURRENCY });
          const usage = monitor.stop();
          clearInterval(memoryTimer);
          const requests = site.pageRequests();
          const unique = new Set(requests.map(canonical)).size;
          const brokerDelta = running.broker && brokerBefore ? diffRedisCounters(brokerBefore, await readRedisCounters(running.broker)) : undefined;
          const resultsDelta = running.results && resultsBefore ? diffRedisCounters(resultsBefore, await readRedisCounters(running.results)) : undefined;
          const pages = requests.length;
          const notes: string[] = [];
          if (pages !== LIMIT) notes.push(`fetched ${pages} pages for a limit of ${LIMIT}`);
          return {
            figures: {
              // Distinct pages: a duplicate fetch is work the crawler did not need to do.
              pagesPerSecond: unique / ((endedAt - startedAt) / 1000),
              pages,
              duplicates: pages - unique,
              cpuSeconds: usage.cpuSeconds,
              peakPssMb: usage.peakPssMb,
              brokerCommandsPerPage: brokerDelta ? brokerDelta.commands / pages : null,
              resultCommandsPerPage: resultsDelta ? resultsDelta.commands / pages : null,
              brokerBytesPerPage: running.broker ? (memoryPeak - memoryBefore) / pages : null,
              brokerRedisCpuSeconds: brokerDelta?.cpuSeconds ?? null,
              loadAverage: loadavg()[0]!,
            },
            details: {
              ...(brokerDelta ? { brokerCommandsByName: brokerDelta.byCommand } : {}),
              ...(resultsDelta ? { resultCommandsByName: resultsDelta.byCommand } : {}),
              seconds: (endedAt - startedAt) / 1000,
            },
            notes,
          };
        } finally {
          await running.stop();
        }
      },
    })));
    return {
      baseline: 'quarry-1w',
      columns: COLUMNS,
      rows,
      params: { pages: HOSTS.length * PAGES_PER_HOST, hosts: HOSTS.length, limit: LIMIT, concurrency: CONCURRENCY, pageBytes: FILLER_BYTES, repeats: ctx.repeats },
      notes: [
        `Site: ${HOSTS.length * PAGES_PER_HOST} pages on ${HOSTS.join(', ')} (~${Math.round(FILLER_BYTES / 1000)} KB each, served from memory by the harness), every page linking to 5 pages of its host and 1 of the next host plus a #fragment and a ?utm_source= duplicate; crawled from /p/0 of each host with a limit of ${LIMIT} pages. Each system reads each page's title.`,
        'Judged on the site\'s own request log: pages fetched (robots.txt and sitemaps excluded) against the limit; duplicate fetches = fetches of a page whose canonical URL (fragment and utm_* dropped, query sorted) was fetched before; distinct pages/s counts each page once (a duplicate is wasted work), from each system\'s start to its end. Scrapy\'s default duplicate filter keeps tracking parameters, so it fetches each ?utm_source= variant as a page of its own; Quarry and Crawlee drop utm_* when they canonicalize.',
        `Quarry: worker processes × concurrency ${CONCURRENCY}, the crawl created with the edge's plan and script (what POST /v1/crawls runs), window 2 × workers × concurrency, sitemaps skipped (the peers read none), robots.txt obeyed, per-domain limits out of reach (as in the http suite), every page's result and record stored in the result store. Its time runs from the create call to the crawl's finishedAt.`,
        `Crawlee ${CRAWLEE_VERSION} CheerioCrawler: enqueueLinks with globs of the 4 origins, maxRequestsPerCrawl ${LIMIT}, fixed concurrency ${CONCURRENCY}, in-memory queue, no retries. Scrapy ${scrapyVersion()} (Debian's python3-scrapy) CrawlSpider: LinkExtractor(allow = the 4 origins) + OffsiteMiddleware, CLOSESPIDER_PAGECOUNT ${LIMIT} (it stops scheduling then and lets in-flight requests finish), CONCURRENT_REQUESTS ${CONCURRENCY}, robots.txt obeyed, no retries. Peers' times run from the start signal to their end.`,
        'CPU s and peak PSS cover each system\'s process tree (workers or the peer), not the harness, the site or Redis. broker cmds/page: INFO commandstats delta of the broker ÷ pages (commands run inside Lua scripts count); broker peak bytes/page: the broker\'s peak used_memory over the run minus its start, ÷ pages — it includes BullMQ\'s completed jobs kept by retention (count 1,000, ~1 KB each) and the crawl\'s window of queued jobs.',
        `load 1m: the machine's 1-minute load average when the run ended (it has ${availableParallelism()} CPUs).`,
      ],
    };
  } finally {
    await stopSite();
  }
}

async function usedMemory(client: import('ioredis').Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

export const crawlSuite: Suite = {
  id: 'crawl',
  title: `Crawl: ${HOSTS.length * PAGES_PER_HOST} pages on ${HOSTS.length} hosts, limit ${LIMIT}`,
  run,
};
