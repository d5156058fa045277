/**
 * @module shared/crawls/crawl-create
 * The crawl-create script's arguments: the record's fields and the page-job templates the
 * advance script fills in per page (a page job's data is `JobData`: the crawl's scrape options
 * with the page's URL, the crawl's tenant, the URL's politeness domain and `crawl: {id, n,
 * depth}`), the CSV columns of its pages' results, and the seed job.
 */
import type { CanonicalUrlOptions } from '../canonical-url.ts';
import { exportColumnsOf } from '../exports/export-columns.ts';
import type { ExportDestination } from '../exports/export-target.ts';
import { jobRequestSchema, type JobRequest } from '../job-schema.ts';
import { queueKeys } from '../keys.ts';
import { addStandardJobKeys, CRAWL_RETENTION_MS, CRAWL_SEED_JOB, CRAWL_TTL_MS, crawlKeys, seedJobId, seenBuckets } from './crawl-keys.ts';
import { crawlConfigOf, type CrawlConfig } from './crawl-record.ts';
import { crawlSeeds, type CrawlRequest } from './crawl-request.ts';

/** BullMQ job options as the edge stores them (edge/src/jobs/enqueue/job-options.ts), already in BullMQ's stored names. */
export type StoredJobOptions = Record<string, unknown>;

export interface CrawlCreateInput {
  prefix: string;
  crawlId: string;
  request: CrawlRequest;
  tenant: string;
  submittedBy: string;
  canonical: CanonicalUrlOptions;
  /** The window when the request has no maxConcurrency. */
  defaultWindow: number;
  /** The fleet's ceiling on discovered URLs per crawl (QUARRY_CRAWL_MAX_DISCOVERED). */
  maxDiscovered: number;
  /** Builds BullMQ's stored options for a job id (attempts, backoff, retention). */
  jobOptions: (request: JobRequest, jobId: string) => StoredJobOptions;
  now: number;
  /** Where the crawl's `export` goes (the edge checked its bucket); none without one. */
  exportDestination?: ExportDestination;
}

export interface CrawlCreatePlan {
  keys: string[];
  argv: string[];
  config: CrawlConfig;
}

const URL_MARK = '\u0000quarry-crawl-url\u0000';

/**
 * A crawl's discovered ceiling: the fleet's, or ten times its limit (at least 10,000) when
 * smaller. Discovery stops at the limit anyway, so a crawl only discovers more than its limit
 * of URLs through robots.txt refusals and the last page's links; the smaller ceiling keeps its
 * dedupe buckets (sized from the ceiling) dense for small crawls.
 */
export function crawlMaxDiscovered(limit: number, fleetMax: number): number {
  return Math.min(fleetMax, Math.max(10 * limit, 10_000));
}

export function planCrawlCreate(input: CrawlCreateInput): CrawlCreatePlan {
  const { prefix, crawlId, request, tenant, submittedBy, now } = input;
  const keys = crawlKeys(prefix, crawlId);
  const queue = queueKeys(prefix);
  const config = crawlConfigOf(crawlId, request, input.canonical);
  const seed = crawlSeeds(request)[0]!;
  // The page jobs' request: the scrape options and the crawl's attempts, validated as a job.
  const pageRequest = jobRequestSchema.parse({ ...request.scrape, url: seed, attempts: request.attempts });
  const requestJson = JSON.stringify({ ...pageRequest, url: URL_MARK });
  const mark = requestJson.indexOf(JSON.stringify(URL_MARK));
  const dataHead = `{"request":${requestJson.slice(0, mark)}`;
  const dataMid = `${requestJson.slice(mark + JSON.stringify(URL_MARK).length)},"submittedBy":${JSON.stringify(submittedBy)},"tenant":${JSON.stringify(tenant)},"domain":`;
  const maxDiscovered = crawlMaxDiscovered(request.limit, input.maxDiscovered);
  const fields: Record<string, string> = {
    crawlId, tenant, submittedBy, createdAt: String(now), status: 'running', config: JSON.stringify(config),
    limit: String(request.limit), window: String(request.maxConcurrency ?? input.defaultWindow),
    maxDiscovered: String(maxDiscovered), buckets: String(seenBuckets(maxDiscovered)), seeding: '1', nextPage: '0',
    discovered: '0', accepted: '0', jobs: '0', completed: '0', failed: '0', discoveryStopped: '',
    expireAt: String(now + CRAWL_TTL_MS), retentionMs: String(CRAWL_RETENTION_MS), seenPrefix: keys.seenPrefix,
    dataHead, dataMid,
    // CSV columns of the page results (GET /v1/crawls/:id/pages?format=csv), as a batch stores its own.
    columns: JSON.stringify(exportColumnsOf([pageRequest])),
    jobArgs: JSON.stringify([queue.base, '', pageRequest.mode, 0, null, null, null, null, null, null]),
    jobOpts: JSON.stringify(input.jobOptions(pageRequest, `${crawlId}-p0`)),
    // The export's destination; crawl-advance makes it due when the crawl completes.
    ...(input.exportDestination ? { export: JSON.stringify(input.exportDestination), exportState: 'pending' } : {}),
  };
  const seedId = seedJobId(crawlId);
  const seedData = { crawlSeed: { id: crawlId }, tenant, submittedBy, acceptedAt: now };
  const seedOptions = input.jobOptions({ ...pageRequest, attempts: 5 }, seedId);
  return {
    config,
    keys: [keys.record, ...addStandardJobKeys(prefix)],
    argv: [
      JSON.stringify(fields),
      JSON.stringify([queue.base, seedId, CRAWL_SEED_JOB, now, null, null, null, null, null, null]),
      JSON.stringify(seedData),
      JSON.stringify(seedOptions),
      String(CRAWL_TTL_MS),
    ],
  };
}
