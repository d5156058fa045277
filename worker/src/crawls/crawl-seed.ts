/**
 * @module worker/crawls/crawl-seed
 * A crawl's seed job (`<crawl id>-seed`, BullMQ name `crawl-seed`, queued by the edge with the
 * crawl): calls back `crawl.started`, admits the seeds (unless `sitemap: "only"`), reads the
 * sitemaps (unless `sitemap: "skip"`: robots.txt `Sitemap:` lines of each seed's origin and
 * `<origin>/sitemap.xml`, indexes and gzip followed, sitemap-reader.ts) and admits their URLs
 * through the same advance script as links (same canonical form, scope, robots.txt check,
 * dedupe and limit; depth 0), then ends seeding, which lets the crawl complete.
 *
 * Every step is idempotent (admission dedupes, ending seeding twice is a no-op), so a seed job
 * that re-runs after a crash redoes nothing twice. `sitemap: "only"` with no URL in any
 * sitemap fails the crawl, saying which files were tried.
 */
import { fetch, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import type { PolitenessGate, GatePass } from '../politeness/index.ts';
import { RetryLaterError } from '../errors/index.ts';
import { classifyUrls } from './crawl-discovery.ts';
import type { CrawlEvents } from './crawl-events.ts';
import type { CrawlStore, LoadedCrawl } from './crawl-store.ts';
import { readSitemaps, type FetchFile, type SitemapLimits, DEFAULT_SITEMAP_LIMITS } from './sitemap-reader.ts';

export interface CrawlSeederOptions {
  store: CrawlStore;
  events: CrawlEvents;
  gate?: PolitenessGate;
  userAgent: string;
  dispatcher?: Dispatcher;
  checkUrl?: (url: URL) => Promise<unknown>;
  sitemapLimits?: SitemapLimits;
  /** Per sitemap file, headers to end of body. */
  fileTimeoutMs?: number;
}

export interface SeedJob {
  id: string;
  crawlId: string;
  tenant: string | undefined;
  firstStart: boolean;
  signal: AbortSignal;
  logger: Logger;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A sitemap file waits at most this long for its domain's slot before it is skipped. */
const MAX_SLOT_WAIT_MS = 60_000;

/** A slot of the file's domain (politeness gate), waited for in-process; robots.txt does not govern a sitemap we were pointed to. */
async function enterGate(gate: PolitenessGate | undefined, jobId: string, url: string, firstStart: boolean): Promise<GatePass | undefined> {
  if (!gate) return undefined;
  const request = jobRequestSchema.parse({ url, ignoreRobots: true });
  const until = Date.now() + MAX_SLOT_WAIT_MS;
  for (let first = firstStart; ; first = false) {
    try {
      return await gate.enter(jobId, request, first);
    } catch (error) {
      if (!(error instanceof RetryLaterError) || Date.now() + error.retryAfterMs > until) throw error;
      await sleep(error.retryAfterMs);
    }
  }
}

/** Fetches sitemap files through the SSRF guard (checkUrl + dispatcher) and the politeness gate. */
export function sitemapFileFetcher(options: Pick<CrawlSeederOptions, 'gate' | 'userAgent' | 'dispatcher' | 'checkUrl' | 'fileTimeoutMs'>, jobId: string, signal?: AbortSignal): FetchFile {
  let files = 0;
  return async (url) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return null;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return null;
    await options.checkUrl?.(target);
    const pass = await enterGate(options.gate, `${jobId}-sm${files}`, target.href, true);
    files++;
    const deadline = AbortSignal.timeout(options.fileTimeoutMs ?? 30_000);
    try {
      // undici's fetch follows redirects (the dispatcher checks every connection it opens).
      const response = await fetch(target, {
        redirect: 'follow',
        headers: { 'user-agent': options.userAgent, accept: 'application/xml, text/xml;q=0.9, */*;q=0.5' },
        signal: signal ? AbortSignal.any([deadline, signal]) : deadline,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      if (response.status < 200 || response.status >= 300 || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        await pass?.release();
        return null;
      }
      const body = response.body;
      return (async function* released() {
        try {
          for await (const chunk of body) yield chunk;
        } finally {
          await body.cancel().catch(() => undefined);
          await pass?.release();
        }
      })();
    } catch (error) {
      await pass?.release();
      throw error;
    }
  };
}

export function createCrawlSeeder(options: CrawlSeederOptions) {
  const { store, events, gate } = options;
  const robots = gate?.robots;

  async function sitemapStarts(crawl: LoadedCrawl): Promise<string[]> {
    const starts: string[] = [];
    for (const seed of crawl.config.seeds) {
      const origin = new URL(seed).origin;
      if (robots) starts.push(...(await robots.sitemaps(origin).catch(() => [])));
      starts.push(`${origin}/sitemap.xml`);
    }
    return [...new Set(starts)];
  }

  return async function seed(job: SeedJob): Promise<{ admitted: number; sitemapUrls: number }> {
    const crawl = await store.load(job.crawlId);
    if (!crawl) return { admitted: 0, sitemapUrls: 0 };
    await events.started(crawl, job.tenant);
    let open = true;
    let admitted = 0;
    const admit = async (urls: string[], seeds: boolean): Promise<boolean> => {
      const found = await classifyUrls(urls, { crawl, robots, seeds });
      const reply = await store.advance({ crawlId: job.crawlId, op: 'seed', depth: 0, entries: found.entries, skippedScope: found.skippedScope });
      admitted += reply.added;
      if (reply.event) await events.ended(crawl, job.tenant, reply.event);
      open = reply.status === 'running' && reply.discoveryStopped === '';
      return open;
    };
    if (crawl.config.sitemap !== 'only') await admit(crawl.config.seeds, true);
    let sitemapUrls = 0;
    if (open && crawl.config.sitemap !== 'skip') {
      const starts = await sitemapStarts(crawl);
      const report = await readSitemaps(starts, sitemapFileFetcher(options, job.id, job.signal), async (urls) => {
        sitemapUrls += urls.length;
        return admit(urls, false);
      }, options.sitemapLimits ?? DEFAULT_SITEMAP_LIMITS);
      if (report.notes.length > 0) job.logger.info({ crawlId: job.crawlId, notes: report.notes.slice(0, 20) }, 'crawl sitemaps read with notes');
      if (crawl.config.sitemap === 'only' && sitemapUrls === 0) {
        const reason = `sitemap "only": no sitemap listed a URL (tried ${starts.join(', ')}; ${report.found} answered)`;
        const reply = await store.advance({ crawlId: job.crawlId, op: 'fail', reason });
        if (reply.event === 'failed') await events.ended(crawl, job.tenant, 'failed', reason);
      }
    }
    const reply = await store.advance({ crawlId: job.crawlId, op: 'seeded' });
    if (reply.event) await events.ended(crawl, job.tenant, reply.event);
    return { admitted, sitemapUrls };
  };
}
