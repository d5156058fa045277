/**
 * @module shared/crawls/crawl-request
 * `POST /v1/crawls` and `POST /v1/map` bodies: one zod schema each, for the edge's validation,
 * the worker's parsing of the stored config and the OpenAPI document. A crawl's `scrape` is the
 * same scrape-options schema a single job takes (shared/scrape-options/).
 */
import { z } from 'zod';
import { httpUrlSchema } from '../job-schema.ts';
import { LIMITS } from '../limits.ts';
import { scrapeOptionsSchema } from '../scrape-options/index.ts';
import { exportOptionSchema } from '../exports/export-target.ts';
import { pathPatternSchema } from './path-patterns.ts';

export const CRAWL_LIMITS = {
  /** Pages a crawl scrapes: default and most. */
  limit: { default: 1_000, max: 1_000_000 },
  /** Link hops from a seed. */
  maxDepth: { default: 10, max: 1_000 },
  /** Seed URLs in `urls`. */
  seedsMax: 100,
  /** Patterns in `includePaths` and in `excludePaths`, and the longest one. */
  pathPatternsMax: 50,
  pathPatternMaxLength: 256,
  /** Page jobs one crawl keeps queued or running at once (its window; see docs/crawls.md). */
  maxConcurrency: { max: 1_000 },
  /** URLs `POST /v1/map` returns. */
  map: { default: 5_000, max: 100_000 },
} as const;

export const CRAWL_EVENTS = ['crawl.started', 'crawl.page', 'crawl.completed', 'crawl.failed'] as const;
export type CrawlEvent = (typeof CRAWL_EVENTS)[number];

export const sitemapModeSchema = z.enum(['include', 'skip', 'only']);
export type SitemapMode = z.infer<typeof sitemapModeSchema>;

const patterns = z.array(pathPatternSchema).max(CRAWL_LIMITS.pathPatternsMax, `must hold at most ${CRAWL_LIMITS.pathPatternsMax} patterns`);

export const crawlRequestSchema = z.strictObject({
  /** The seed (or `urls` for several). */
  url: httpUrlSchema.optional(),
  urls: z.array(httpUrlSchema).min(1).max(CRAWL_LIMITS.seedsMax, `must hold at most ${CRAWL_LIMITS.seedsMax} URLs`).optional(),
  limit: z.int('must be a whole number').min(1, 'must be at least 1').max(CRAWL_LIMITS.limit.max, `must be at most ${CRAWL_LIMITS.limit.max}`).default(CRAWL_LIMITS.limit.default),
  maxDepth: z.int('must be a whole number').min(0, 'must be 0 (seeds only) or more').max(CRAWL_LIMITS.maxDepth.max).default(CRAWL_LIMITS.maxDepth.default),
  /** Regular expressions (RE2 syntax) on the URL path; a link is followed only when one matches. */
  includePaths: patterns.optional(),
  /** Regular expressions on the URL path; a link that matches one is not followed (exclude wins). */
  excludePaths: patterns.optional(),
  allowSubdomains: z.boolean().default(false),
  allowExternalLinks: z.boolean().default(false),
  sitemap: sitemapModeSchema.default('include'),
  /** Treat URLs that differ only in their query string as one page (the query is dropped). */
  ignoreQueryParameters: z.boolean().default(false),
  /** Page jobs this crawl keeps queued or running at once (the fleet default when omitted). */
  maxConcurrency: z.int().min(1).max(CRAWL_LIMITS.maxConcurrency.max).optional(),
  /** Attempts per page (the first try included). */
  attempts: z.int().min(LIMITS.attempts.min).max(LIMITS.attempts.max).default(LIMITS.attempts.default),
  /** What to scrape on every page: the options of a single job. */
  scrape: scrapeOptionsSchema.prefault({}),
  callbackUrl: httpUrlSchema.optional(),
  /** Which events reach `callbackUrl` (all four when omitted). */
  events: z.array(z.enum(CRAWL_EVENTS)).min(1).max(CRAWL_EVENTS.length).optional(),
  idempotencyKey: z.string().min(1).max(LIMITS.idempotencyKeyMaxLength).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  /** The completed pages' results written as one file once the crawl completes (as a batch's `export`). */
  export: exportOptionSchema.optional(),
}).superRefine((request, ctx) => {
  if ((request.url === undefined) === (request.urls === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: 'send exactly one of "url" (one seed) or "urls" (several)', input: request.url });
  }
  if (request.events !== undefined && request.callbackUrl === undefined) {
    ctx.addIssue({ code: 'custom', path: ['events'], message: 'events need a callbackUrl to be sent to', input: request.events });
  }
});

export type CrawlRequestInput = z.input<typeof crawlRequestSchema>;
export type CrawlRequest = z.output<typeof crawlRequestSchema>;

/** The seeds of a validated request, in order, without repeats. */
export function crawlSeeds(request: Pick<CrawlRequest, 'url' | 'urls'>): string[] {
  return [...new Set(request.urls ?? (request.url === undefined ? [] : [request.url]))];
}

export const mapRequestSchema = z.strictObject({
  url: httpUrlSchema,
  /** URLs returned at most. */
  limit: z.int().min(1).max(CRAWL_LIMITS.map.max).default(CRAWL_LIMITS.map.default),
  /** Also list URLs on subdomains of the start URL's host. */
  includeSubdomains: z.boolean().default(false),
  /** Read sitemaps (robots.txt `Sitemap:` lines and /sitemap.xml) besides the start page: `only` reads no page. */
  sitemap: sitemapModeSchema.default('include'),
  ignoreQueryParameters: z.boolean().default(false),
  /** Only URLs whose path matches one of these (RE2 syntax) / none of these. */
  includePaths: patterns.optional(),
  excludePaths: patterns.optional(),
});
export type MapRequestInput = z.input<typeof mapRequestSchema>;
export type MapRequest = z.output<typeof mapRequestSchema>;
