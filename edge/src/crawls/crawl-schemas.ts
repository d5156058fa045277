/**
 * @module edge/crawls/crawl-schemas
 * Response shapes of the crawl and map routes, for the OpenAPI document and the CLI's types
 * (requests reuse shared/crawls/crawl-request.ts). Each has an example.
 */
import { z } from 'zod';
import { jobResultSchema } from '../../../shared/job-result.ts';
import { exportViewSchema } from '../openapi/schemas.ts';

export const crawlExample = { url: 'https://docs.example.com/', limit: 500, maxDepth: 3, includePaths: ['^/guide/'], excludePaths: ['/changelog'], sitemap: 'include', scrape: { formats: ['markdown'] }, callbackUrl: 'https://hooks.example.com/quarry', events: ['crawl.page', 'crawl.completed'] };

export const crawlAcceptedSchema = z.object({
  id: z.string(), status: z.string().describe('running, or the status of the existing crawl for a repeated idempotency key'),
  duplicate: z.boolean().describe('True when the idempotency key named an existing crawl: nothing new was started'),
  statusUrl: z.url(), pagesUrl: z.url(),
}).meta({ id: 'CrawlAccepted', example: { id: '3f2a9c0d1b7e.c-5b0c9e1a', status: 'running', duplicate: false, statusUrl: 'https://quarry.example/v1/crawls/3f2a9c0d1b7e.c-5b0c9e1a', pagesUrl: 'https://quarry.example/v1/crawls/3f2a9c0d1b7e.c-5b0c9e1a/pages' } });

export const crawlViewSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'completed', 'cancelled', 'failed']),
  seeds: z.array(z.string()), limit: z.number(), maxDepth: z.number(),
  discovered: z.number().describe('Unique in-scope URLs found: accepted + skipped.robots + skipped.limit'),
  accepted: z.number().describe('Pages admitted to be scraped, never more than limit: completed + failed + queued + cancelled'),
  queued: z.number().describe('Admitted pages not finished yet'),
  inFlight: z.number().describe('Page jobs queued or running right now (at most the crawl\'s window)'),
  completed: z.number(), failed: z.number().describe('Pages whose job failed for good (they count toward limit)'),
  cancelled: z.number().describe('Admitted pages a cancel (or the crawl\'s failure) dropped before they ran'),
  skipped: z.object({
    robots: z.number().describe('Unique URLs robots.txt disallows (never fetched)'),
    scope: z.number().describe('Links to other hosts or outside the path patterns, as found'),
    depth: z.number().describe('In-scope links on pages at maxDepth, as found'),
    duplicate: z.number().describe('Links to URLs already seen, as found (repeats within one page folded)'),
    limit: z.number().describe('New URLs turned away because the limit or the discovered ceiling was reached'),
  }),
  discoveryStopped: z.enum(['limit', 'maxDiscovered', 'cancelled', 'failed']).nullable().describe('Why links are no longer examined'),
  jobs: z.number().describe('Page jobs created so far'), seeding: z.boolean().describe('Seeds and sitemaps are still being read'),
  error: z.string().nullable(), createdAt: z.string(), cancelledAt: z.string().nullable(), finishedAt: z.string().nullable(),
  export: exportViewSchema.optional().describe('The crawl\'s export (its completed pages\' results), when it asked for one: due once the crawl completed'),
}).meta({ id: 'CrawlView', example: { id: '3f2a9c0d1b7e.c-5b0c9e1a', status: 'running', seeds: ['https://docs.example.com/'], limit: 500, maxDepth: 3, discovered: 812, accepted: 500, queued: 120, inFlight: 50, completed: 371, failed: 9, cancelled: 0, skipped: { robots: 4, scope: 1530, depth: 0, duplicate: 20411, limit: 308 }, discoveryStopped: 'limit', jobs: 430, seeding: false, error: null, createdAt: '2026-12-01T10:00:00.000Z', cancelledAt: null, finishedAt: null } });

const pageSchema = z.object({
  status: z.enum(['completed', 'failed']), n: z.number().describe('Page number in the crawl (its job is <crawl id>-p<n>)'),
  url: z.string(), depth: z.number(), jobId: z.string(), httpStatus: z.number().optional(),
  redirectTo: z.string().optional().describe('The page was a redirect: its target was followed as a link'),
  error: z.string().optional(), finishedAt: z.string(), result: jobResultSchema.optional(),
});

export const crawlPagesSchema = z.object({
  id: z.string(), total: z.number().describe('Pages recorded so far (every status)'),
  pages: z.array(pageSchema),
  next: z.string().nullable().describe('Pass as cursor for the next page; null at the end. A filtered page may hold fewer than limit records while next is not null'),
}).meta({ id: 'CrawlPages', example: { id: '3f2a9c0d1b7e.c-5b0c9e1a', total: 380, pages: [{ status: 'completed', n: 1, url: 'https://docs.example.com/', depth: 0, jobId: '3f2a9c0d1b7e.c-5b0c9e1a-p1', httpStatus: 200, finishedAt: '2026-12-01T10:00:01.000Z', result: { url: 'https://docs.example.com/', finalUrl: 'https://docs.example.com/', httpStatus: 200, title: 'Docs', extract: {}, fetchedAt: '2026-12-01T10:00:00.700Z', durationMs: 210, mode: 'http', attempt: 1 } }], next: '20' } });

export const crawlCancelSchema = z.object({ id: z.string(), status: z.literal('cancelled'), removed: z.number().describe('Page jobs taken off the queue'), running: z.number().describe('Pages still running: they finish and are recorded') })
  .meta({ id: 'CrawlCancelled', example: { id: '3f2a9c0d1b7e.c-5b0c9e1a', status: 'cancelled', removed: 42, running: 8 } });

export const mapAnswerSchema = z.object({
  url: z.string(), links: z.array(z.string()), count: z.number(),
  sources: z.object({ page: z.number(), sitemap: z.number() }), notes: z.array(z.string()).describe('Why the list may be incomplete'),
}).meta({ id: 'MapAnswer', example: { url: 'https://docs.example.com/', links: ['https://docs.example.com/', 'https://docs.example.com/guide/install'], count: 2, sources: { page: 2, sitemap: 0 }, notes: [] } });


/** Examples of the NDJSON and CSV forms of GET /v1/crawls/{id}/pages (plain strings in the document). */
export const crawlPagesNdjsonExample = '{"status":"completed","n":1,"url":"https://docs.example.com/","depth":0,"jobId":"3f2a9c0d1b7e.c-5b0c9e1a-p1","httpStatus":200,"finishedAt":"2026-12-01T10:00:01.000Z"}\n';
export const crawlPagesCsvExample = 'index,jobId,url,finalUrl,httpStatus,title,fetchedAt,durationMs,mode,attempt\r\n0,3f2a9c0d1b7e.c-5b0c9e1a-p1,https://docs.example.com/,https://docs.example.com/,200,Docs,2026-12-01T10:00:00.700Z,210,http,1\r\n';
