/**
 * @module worker/crawls/map-job
 * `POST /v1/map`'s work, as a job (the edge never fetches): list a site's URLs from its start
 * page's links and its sitemaps, without scraping each one. The start page is fetched through
 * the politeness gate and the SSRF guard like any job; sitemaps like a crawl's seed job
 * (crawl-seed.ts). URLs are canonicalized and scoped by the crawl's rules (the start URL's host,
 * and its subdomains with `includeSubdomains`; the path patterns), robots.txt-disallowed ones
 * left out, deduplicated, at most `limit`. The answer goes to the result store for the edge.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { createCrawlScope, mapRequestSchema, mapResultKey, MAP_RESULT_TTL_SECONDS, type MapRequest } from '../../../shared/crawls/index.ts';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import { InvalidJobError, RetryLaterError } from '../errors/index.ts';
import type { HttpFetcher } from '../http/http-fetcher.ts';
import type { PolitenessGate } from '../politeness/index.ts';
import type { OtherJob } from '../processor.ts';
import { pageLinks } from './crawl-discovery.ts';
import { readSitemaps } from './sitemap-reader.ts';
import { sitemapFileFetcher, type CrawlSeederOptions } from './crawl-seed.ts';

export interface MapJobOptions extends Pick<CrawlSeederOptions, 'userAgent' | 'dispatcher' | 'checkUrl'> {
  fetcher: HttpFetcher;
  gate?: PolitenessGate;
  results: Redis;
  prefix: string;
}

const DEFAULT_CANONICAL = { sortQuery: true, dropParams: ['utm_*', 'fbclid', 'gclid'] };

export interface MapAnswer {
  url: string;
  links: string[];
  count: number;
  /** Where the links came from. */
  sources: { page: number; sitemap: number };
  /** Why the list may be incomplete (a sitemap over a bound, the start page failing). */
  notes: string[];
}

export function createMapJob(options: MapJobOptions): OtherJob {
  const { fetcher, gate, results, prefix } = options;
  const robots = gate?.robots;
  return async (job: Job, run) => {
    const data = job.data as { map?: unknown; canonical?: { sortQuery: boolean; dropParams: string[] } } | undefined;
    const parsed = mapRequestSchema.safeParse(data?.map);
    if (!parsed.success) throw new InvalidJobError(parsed.error.issues.map((issue) => `map.${issue.path.join('.')}: ${issue.message}`));
    const request: MapRequest = parsed.data;
    const started = performance.now();
    const scope = createCrawlScope({
      seeds: [request.url], allowSubdomains: request.includeSubdomains, allowExternalLinks: false,
      includePaths: request.includePaths, excludePaths: request.excludePaths, ignoreQueryParameters: request.ignoreQueryParameters,
      // The edge's canonical-URL settings (QUARRY_CANONICAL_*), sent with the job.
      canonical: data?.canonical ?? DEFAULT_CANONICAL,
    });
    const found = new Set<string>();
    const answer: MapAnswer = { url: request.url, links: [], count: 0, sources: { page: 0, sitemap: 0 }, notes: [] };
    const add = async (urls: Iterable<string>, source: 'page' | 'sitemap'): Promise<boolean> => {
      for (const raw of urls) {
        if (found.size >= request.limit) return false;
        const url = scope.canonical(raw);
        if (url === null || found.has(url) || scope.verdict(url) !== 'in') continue;
        if (robots && !(await robots.isAllowed(url))) continue;
        found.add(url);
        answer.sources[source]++;
      }
      return found.size < request.limit;
    };
    let status = 0;
    if (request.sitemap !== 'only') {
      const pass = gate ? await gate.enter(job.id!, jobRequestSchema.parse({ url: request.url }), job.attemptsStarted === 1) : undefined;
      try {
        const page = await fetcher.fetch(request.url, { timeoutMs: 15_000, signal: run.signal, urlChecked: pass?.urlChecked ?? false, ...(pass ? { onRedirect: (url: URL) => pass.hop(url) } : {}) });
        status = page.status;
        await add([page.finalUrl, ...(await pageLinks({ ...page, fetchedAt: '' }, run.signal))], 'page');
      } catch (error) {
        if (error instanceof RetryLaterError) throw error; // the domain's slot or its robots.txt: run again later
        answer.notes.push(`start page: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await pass?.release();
      }
    }
    if (request.sitemap !== 'skip' && found.size < request.limit) {
      const origin = new URL(request.url).origin;
      const starts = [...(robots ? await robots.sitemaps(origin).catch(() => []) : []), `${origin}/sitemap.xml`];
      const report = await readSitemaps([...new Set(starts)], sitemapFileFetcher({ ...options, ...(gate ? { gate } : {}) }, job.id!, run.signal), (urls) => add(urls, 'sitemap'));
      answer.notes.push(...report.notes.slice(0, 20));
    }
    answer.links = [...found];
    answer.count = answer.links.length;
    await results.set(mapResultKey(prefix, job.id!), JSON.stringify(answer), 'EX', MAP_RESULT_TTL_SECONDS);
    return { status, finalUrl: request.url, title: null, durationMs: Math.round(performance.now() - started), attempt: run.attempt };
  };
}
