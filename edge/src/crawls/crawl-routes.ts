/**
 * @module edge/crawls/crawl-routes
 * `POST /v1/crawls` (start: 202 with the crawl's id), `GET /v1/crawls/:id` (status and counts),
 * `GET /v1/crawls/:id/pages` (page records with results, a cursor and a status filter; the whole
 * list as NDJSON with `Accept: application/x-ndjson` or `?format=jsonl`; the completed pages'
 * results as CSV with `?format=csv` or `Accept: text/csv`, crawl-export.ts) and `DELETE /v1/crawls/:id` (cancel).
 * A crawl's id carries its tenant's tag like a job's: another tenant's id answers 404 before
 * any Redis command. Semantics: docs/crawls.md.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { crawlRequestSchema, planCrawlCreate } from '../../../shared/crawls/index.ts';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { idempotencyKeyHeader, mergeIdempotencyKey } from '../jobs/enqueue/idempotency-key.ts';
import { idempotentJobId, randomJobId } from '../jobs/enqueue/job-id.ts';
import { buildJobOptions, encodeJobOptions } from '../jobs/enqueue/job-options.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { ForbiddenProblem, hasScope } from '../middleware/require-scope.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { InvalidQueryProblem, JobStateConflictProblem } from '../problems/problems.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { accessibleCrawlId, crawlNotFound } from './crawl-access.ts';
import { batchExportDestination, exportView } from '../batches/batch-export.ts';
import { crawlExportResponse } from './crawl-export.ts';
import { crawlPagesResponse } from './crawl-pages.ts';
import { readExportRequest } from '../exports/export-request.ts';
import { cancelCrawl, createCrawl, readCrawl } from './crawl-store.ts';

export const crawlsRoutes = new OpenAPIHono<AppEnv>();

/** `Accept: text/csv` (first of the listed types that the route knows). */
const wantsCsv = (accept: string | undefined) => (accept ?? '').split(',').map((part) => part.split(';')[0]!.trim().toLowerCase()).includes('text/csv');

crawlsRoutes.post('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  const headerKey = idempotencyKeyHeader(c);
  const request = await readJsonBody(c, crawlRequestSchema);
  const idempotencyKey = mergeIdempotencyKey(headerKey, request.idempotencyKey);
  if (request.scrape.ignoreRobots && !hasScope(c.get('scopes'), 'robots:ignore')) throw new ForbiddenProblem('robots:ignore');
  const tenant = c.get('tenant');
  const crawlId = idempotencyKey === undefined ? randomJobId(tenant, 'c') : await idempotentJobId(tenant, idempotencyKey, 'c');
  const options = { backoffMs: config.backoffMs, keepCompleted: config.keepCompleted, keepFailed: config.keepFailed };
  const plan = planCrawlCreate({
    prefix: config.prefix, crawlId, request, tenant: tenant.name, submittedBy: c.get('apiKeyId'),
    canonical: config.canonicalUrl, defaultWindow: config.crawl.window, maxDiscovered: config.crawl.maxDiscovered,
    jobOptions: (jobRequest, jobId) => encodeJobOptions(buildJobOptions(jobRequest, jobId, options)),
    now: Date.now(),
    ...(request.export ? { exportDestination: batchExportDestination(config, crawlId, request.export) } : {}),
  });
  const outcome = await withBroker(() => createCrawl(upstashClient(config.broker), plan));
  const statusUrl = new URL(`/v1/crawls/${crawlId}`, c.req.url).toString();
  c.header('location', statusUrl);
  return c.json({ id: crawlId, status: outcome.status, duplicate: !outcome.created, statusUrl, pagesUrl: `${statusUrl}/pages` }, 202);
});

crawlsRoutes.get('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleCrawlId(c);
  const read = await withBroker(() => readCrawl(upstashClient(config.broker), config.prefix, id));
  if (!read) throw crawlNotFound(id);
  // A crawl's export is shown as a batch's: state, then a signed link to the file once written.
  const exported = await exportView(config, read.record);
  return c.json(exported ? { ...read.view, export: exported } : read.view);
});

crawlsRoutes.get('/:id/pages', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleCrawlId(c);
  // CSV of the completed pages' results (?format=csv or Accept: text/csv), as GET /v1/batches/:id/results.
  const format = c.req.query('format');
  if (format !== undefined && format !== 'csv' && format !== 'json' && format !== 'jsonl' && format !== 'ndjson') {
    throw new InvalidQueryProblem('format', 'must be "csv" (the results as CSV), "jsonl"/"ndjson" (every record as NDJSON) or "json"');
  }
  if (format === 'csv' || (format === undefined && wantsCsv(c.req.header('accept')))) return crawlExportResponse(config, id, readExportRequest(c));
  const status = c.req.query('status');
  if (status !== undefined && status !== 'completed' && status !== 'failed') throw new InvalidQueryProblem('status', 'must be completed or failed (or left out for every page)');
  return crawlPagesResponse(c, config, id, status, format === 'jsonl' || format === 'ndjson' ? 'ndjson' : format === 'json' ? 'json' : undefined);
});

crawlsRoutes.delete('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleCrawlId(c);
  const outcome = await withBroker(() => cancelCrawl(upstashClient(config.broker), config.prefix, id));
  if (outcome.status === 'unknown') throw crawlNotFound(id);
  if (!outcome.cancelled) {
    throw new JobStateConflictProblem(`Crawl "${id}" was not cancelled: it is ${outcome.status}${outcome.status === 'cancelled' ? ' already' : ''}.`, outcome.status);
  }
  return c.json({ id, status: 'cancelled', removed: outcome.removed, running: outcome.running });
});
