/**
 * @module shared/crawls/crawl-record
 * The crawl's record in the broker: what the edge writes when it creates a crawl (config, limits,
 * the page-job templates the scripts fill in) and how a record reads back as the API's view.
 *
 * Counters (all of unique URLs except `skippedScope`, `skippedDepth` and `skippedDuplicate`,
 * which count links as found on pages):
 *   discovered = accepted + skippedRobots + skippedLimit
 *   accepted   = completed + failed + pending (admitted pages count toward `limit`, failed ones too)
 */
import type { CanonicalUrlOptions } from '../canonical-url.ts';
import type { CrawlEvent, CrawlRequest, SitemapMode } from './crawl-request.ts';
import { crawlSeeds } from './crawl-request.ts';
import { hashReplyToRecord } from '../hash-reply.ts';
import type { JobMode } from '../scrape-options/index.ts';

/** What every worker needs of a crawl to discover its links (the `config` field, JSON). */
export interface CrawlConfig {
  id: string;
  seeds: string[];
  limit: number;
  maxDepth: number;
  includePaths?: string[];
  excludePaths?: string[];
  allowSubdomains: boolean;
  allowExternalLinks: boolean;
  sitemap: SitemapMode;
  ignoreQueryParameters: boolean;
  canonical: CanonicalUrlOptions;
  mode: JobMode;
  /** The crawl's scrape options skip robots.txt (the key had the `robots:ignore` scope). */
  ignoreRobots: boolean;
  callbackUrl?: string;
  events: CrawlEvent[];
  /** The crawl asked for an `export` (its destination is the record's `export` field). */
  export?: true;
}

export function crawlConfigOf(id: string, request: CrawlRequest, canonical: CanonicalUrlOptions): CrawlConfig {
  const config: CrawlConfig = {
    id, seeds: crawlSeeds(request), limit: request.limit, maxDepth: request.maxDepth,
    allowSubdomains: request.allowSubdomains, allowExternalLinks: request.allowExternalLinks,
    sitemap: request.sitemap, ignoreQueryParameters: request.ignoreQueryParameters, canonical,
    mode: request.scrape.mode, ignoreRobots: request.scrape.ignoreRobots === true,
    events: request.callbackUrl ? request.events ?? ['crawl.started', 'crawl.page', 'crawl.completed', 'crawl.failed'] : [],
  };
  if (request.includePaths?.length) config.includePaths = request.includePaths;
  if (request.excludePaths?.length) config.excludePaths = request.excludePaths;
  if (request.callbackUrl) config.callbackUrl = request.callbackUrl;
  if (request.export) config.export = true;
  return config;
}

export type CrawlStatus = 'running' | 'completed' | 'cancelled' | 'failed';

export interface CrawlView {
  id: string;
  status: CrawlStatus;
  seeds: string[];
  limit: number;
  maxDepth: number;
  /** Unique URLs found in scope (the dedupe set's size): accepted + skipped.robots + skipped.limit. */
  discovered: number;
  /** Pages admitted to be scraped (never more than `limit`): completed + failed + queued. */
  accepted: number;
  /** Admitted pages not finished yet (waiting in the crawl's frontier or as jobs). */
  queued: number;
  /** Page jobs queued or running right now (at most the crawl's window). */
  inFlight: number;
  completed: number;
  failed: number;
  /** Page jobs a cancel removed before they started. */
  cancelled: number;
  skipped: { robots: number; scope: number; depth: number; duplicate: number; limit: number };
  /** Why links are no longer examined: the limit was reached, the discovered ceiling, a cancel, a failure. */
  discoveryStopped: 'limit' | 'maxDiscovered' | 'cancelled' | 'failed' | null;
  /** Page jobs the crawl created so far. */
  jobs: number;
  /** Seeds and sitemaps are still being read. */
  seeding: boolean;
  error: string | null;
  createdAt: string;
  cancelledAt: string | null;
  finishedAt: string | null;
}

const int = (value: string | undefined) => (value ? Number(value) : 0);
const iso = (value: string | undefined) => (value ? new Date(Number(value)).toISOString() : null);

/** The view of an HGETALL reply plus the frontier's length and the in-flight set's size, or null for no record. */
export function crawlViewOf(reply: unknown, inFlight: number): CrawlView | null {
  const r = hashReplyToRecord(reply);
  if (!r.status) return null;
  const config = JSON.parse(r.config ?? '{}') as Partial<CrawlConfig>;
  const accepted = int(r.accepted);
  const completed = int(r.completed);
  const failed = int(r.failed);
  const cancelled = int(r.cancelledPages);
  const stopped = r.discoveryStopped || null;
  return {
    id: r.crawlId ?? '',
    status: r.status as CrawlStatus,
    seeds: config.seeds ?? [],
    limit: int(r.limit),
    maxDepth: config.maxDepth ?? 0,
    discovered: int(r.discovered),
    accepted,
    queued: Math.max(0, accepted - completed - failed - cancelled),
    inFlight,
    completed, failed, cancelled,
    skipped: { robots: int(r.skippedRobots), scope: int(r.skippedScope), depth: int(r.skippedDepth), duplicate: int(r.skippedDuplicate), limit: int(r.skippedLimit) },
    discoveryStopped: stopped as CrawlView['discoveryStopped'],
    jobs: int(r.jobs),
    seeding: r.seeding === '1',
    error: r.error || null,
    createdAt: iso(r.createdAt) ?? new Date(0).toISOString(),
    cancelledAt: iso(r.cancelledAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** One record of `GET /v1/crawls/:id/pages` as the worker stores it (status first: the list script filters on it). */
export interface CrawlPageRecord {
  status: 'completed' | 'failed';
  n: number;
  url: string;
  depth: number;
  /** The page job's id: its result is at the usual result key. */
  jobId: string;
  httpStatus?: number;
  /** Where the page redirected to (a crawl follows redirects as links: docs/crawls.md). */
  redirectTo?: string;
  error?: string;
  finishedAt: string;
}

/** Serialized with `status` first, which crawl-pages-1.lua matches on. */
export function encodePageRecord(record: CrawlPageRecord): string {
  const { status, ...rest } = record;
  return JSON.stringify({ status, ...rest });
}
