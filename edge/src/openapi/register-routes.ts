/**
 * @module edge/openapi/register-routes
 * Every route's OpenAPI description, in one place next to the schemas they use. A test
 * checks that each route the app serves is described here.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { batchBodySchema } from '../../../shared/batch-schema.ts';
import { domainLimitsSchema } from '../../../shared/domain-limits.ts';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import type { AppEnv } from '../app-env.ts';
import { registerCrawlRoutes } from '../crawls/crawl-openapi.ts';
import { taskRequestSchemas } from '../tasks/task-openapi.ts';
import { registerScheduleRoutes } from '../schedules/schedule-openapi.ts';
import * as s from './schemas.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: s.problemSchema } } });
/** `example` for inline schemas; named components carry theirs in `.meta({ example })`. */
const json = (description: string, schema: z.ZodType, example?: unknown) => ({ description, content: { 'application/json': example === undefined ? { schema } : { schema, example } } });
const idParam = z.object({ id: z.string().describe('Job id from POST /v1/jobs; another tenant\'s id answers 404 like an unknown one') });
const secured = [{ bearer: [] }];
const common = { 400: problem('Invalid input: the detail names the field and the limit'), 401: problem('Missing or invalid API key'), 503: problem('Broker unreachable: retry after Retry-After seconds') };

export function registerRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  // Task requests are components of their own: the scrape request stays the documented body (clients read its properties).
  for (const [name, schema] of taskRequestSchemas()) r.register(`TaskRequest_${name}`, schema);
  r.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API key from API_KEYS' });
  r.registerPath(createRoute({ method: 'get', path: '/healthz', operationId: 'getHealth', summary: 'Liveness', security: [], responses: { 200: json('The edge answers', z.object({ status: z.literal('ok') }), { status: 'ok' }) } }));
  r.registerPath(createRoute({ method: 'get', path: '/readyz', operationId: 'getReadiness', summary: 'Readiness (broker reachable)', security: [], responses: { 200: json('Ready', z.object({ status: z.literal('ready') }), { status: 'ready' }), 503: common[503] } }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/jobs', operationId: 'createJob', summary: 'Enqueue a scrape job, or a run of a task ({"task", "input"})', security: secured,
    description: 'The body is a scrape request (below) or a task request: one `TaskRequest_<name>` schema per task of this deployment (components), its `input` checked against the task\'s own schema.',
    request: { headers: z.object({ 'idempotency-key': z.string().optional() }), body: { required: true, content: { 'application/json': { schema: jobRequestSchema, example: s.jobRequestExample } } } },
    responses: { 202: json('Accepted (or an existing job for the same idempotency key)', s.jobAcceptedSchema), ...common, 413: problem('Body too large'), 415: problem('Not JSON'), 429: problem('Quota exceeded') },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/jobs', operationId: 'listJobs', summary: 'List jobs by state (the dead-letter view: status=failed)', security: secured,
    request: { query: z.object({ status: z.string().optional(), limit: z.string().optional(), cursor: z.string().optional() }) },
    responses: { 200: json('One page', s.jobListSchema), ...common },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/jobs/{id}', operationId: 'getJob', summary: 'Job state, attempts and result', security: secured,
    request: { params: idParam, query: z.object({ wait: z.string().optional().describe('Long-poll up to N seconds (≤ 60) for the job to finish') }) },
    responses: { 200: json('The job', s.jobViewSchema), 404: problem('Unknown or expired job'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'delete', path: '/v1/jobs/{id}', operationId: 'cancelJob', summary: 'Cancel a job that has not started', security: secured,
    request: { params: idParam }, responses: { 200: json('Cancelled', s.jobChangeSchema), 404: problem('Unknown job'), 409: problem('Running or finished'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/jobs/{id}/retry', operationId: 'retryJob', summary: 'Replay a failed job with fresh attempts', security: secured,
    request: { params: idParam }, responses: { 202: json('Re-queued', s.jobChangeSchema), 404: problem('Unknown job'), 409: problem('Not failed'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/jobs/{id}/events', operationId: 'streamJobEvents', summary: 'Server-Sent Events: status, progress, completed | failed', security: secured,
    request: { params: idParam }, responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string(), example: s.jobEventsExample } } }, 404: problem('Unknown job'), 429: problem('The key holds QUARRY_MAX_SSE_STREAMS streams open already'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/batches', operationId: 'createBatch', summary: 'Enqueue up to 10,000 jobs (all-or-nothing validation)', security: secured,
    description: 'An optional `export` ({"format": "jsonl"|"csv", "url"?: "s3://<bucket>/<path with {id}>"}) is written by the workers once every job finished: '
      + 'without url into the artifact store (linked from GET /v1/batches/{id}), with url into a bucket QUARRY_EXPORT_BUCKETS allows, at `<tenant tag>/<path>`.',
    request: {
      headers: z.object({ 'idempotency-key': z.string().optional() }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: batchBodySchema,
            examples: {
              urls: { value: { urls: ['https://example.com/a', 'https://example.com/b'], defaults: { formats: ['markdown'], extract: { h1: 'h1' } }, export: { format: 'csv' } } },
              toBucket: { value: { jobs: [{ url: 'https://example.com/a', formats: ['markdown', 'links'] }], export: { format: 'jsonl', url: 's3://tenant-exports/daily/{id}.jsonl' } } },
            },
          },
        },
      },
    },
    responses: { 202: json('Accepted', s.batchAcceptedSchema), ...common, 413: problem('Body too large') },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/batches/{id}', operationId: 'getBatch', summary: 'Batch counts and progress', security: secured,
    request: { params: z.object({ id: z.string() }) }, responses: { 200: json('The batch', s.batchViewSchema), 404: problem('Unknown batch'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/batches/{id}/results', operationId: 'exportBatchResults', summary: 'Export every stored result of the batch as JSON Lines or CSV (streamed, resumable)', security: secured,
    description: 'Rows in item order, one per item with a stored result (failed, cancelled and unfinished items have none). Each row carries the item `index` and its `jobId`; '
      + 'to resume a broken download pass `cursor=<last complete row index + 1>`. CSV columns: `index, jobId, url, finalUrl, httpStatus, title, fetchedAt, durationMs, mode, attempt`, '
      + '`extract.<name>` per extract name the batch asked for (one `extract` JSON column past 200 names), then per format `markdown`, `html`, `rawHtml`, `links` (JSON), '
      + '`metadata.<field>` (`metadata.og` as JSON) and `artifacts` (JSON); arrays and objects are JSON, null is empty. A CSV from cursor 0 has a header line, a resumed one has none.',
    request: {
      params: z.object({ id: z.string().describe('Batch id from POST /v1/batches') }),
      query: z.object({
        format: z.enum(['jsonl', 'ndjson', 'csv']).optional().describe('Wins over the Accept header (text/csv or application/x-ndjson); JSON Lines by default'),
        cursor: z.string().optional().describe('First item index (default 0)'),
        limit: z.string().optional().describe('Most rows to return'),
      }),
    },
    responses: {
      200: {
        description: 'The rows, streamed; headers Quarry-Batch-Items (the batch size) and Quarry-Cursor (where this response starts)',
        content: {
          'application/x-ndjson': { schema: z.string(), example: '{"index":0,"jobId":"3f2a9c0b1d4e.b-7c…-0","url":"https://example.com/a","finalUrl":"https://example.com/a","httpStatus":200,"title":"A","extract":{"h1":"A"},"markdown":"# A","fetchedAt":"2026-12-02T10:00:00.000Z","durationMs":212,"mode":"http","attempt":1}\n' },
          'text/csv': { schema: z.string(), example: 'index,jobId,url,finalUrl,httpStatus,title,fetchedAt,durationMs,mode,attempt,extract.h1,markdown\r\n0,3f2a9c0b1d4e.b-7c…-0,https://example.com/a,https://example.com/a,200,A,2026-12-02T10:00:00.000Z,212,http,1,A,# A\r\n' },
        },
      },
      404: problem('Unknown batch'), ...common,
    },
  }));
  const hostParam = z.object({ host: z.string().describe('Domain key: lower-case host, with :port when not the default') });
  r.registerPath(createRoute({
    method: 'get', path: '/v1/domains/{host}', operationId: 'getDomain', summary: 'A domain\'s limits, usage, cooldown and robots.txt state', security: secured,
    request: { params: hostParam }, responses: { 200: json('The domain', s.domainViewSchema), ...common },
  }));
  r.registerPath(createRoute({
    method: 'put', path: '/v1/domains/{host}/limits', operationId: 'setDomainLimits', summary: 'Set the fleet-wide limits of one domain (admin)', security: secured,
    request: { params: hostParam, body: { required: true, content: { 'application/json': { schema: domainLimitsSchema, example: s.domainLimitsExample } } } },
    responses: { 200: json('Stored', z.object({ domain: z.string(), limits: domainLimitsSchema }), { domain: 'shop.example.com', limits: s.domainLimitsExample }), 403: problem('Key lacks the admin scope'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'delete', path: '/v1/domains/{host}/limits', operationId: 'resetDomainLimits', summary: 'Back to the fleet defaults (admin)', security: secured,
    request: { params: hostParam }, responses: { 200: json('Removed', z.object({ domain: z.string(), limits: z.null() }), { domain: 'shop.example.com', limits: null }), 403: problem('Key lacks the admin scope'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/hooks/{name}', operationId: 'triggerHook', summary: 'Signed webhook trigger (Quarry-Signature or X-Hub-Signature-256)', security: [],
    request: { params: z.object({ name: z.string() }), body: { required: true, content: { 'application/json': { schema: z.record(z.string(), z.unknown()), example: { ref: 'refs/heads/main', repository: { full_name: 'acme/site' } } } } } },
    responses: { 200: json('A replayed delivery: nothing created (duplicate: true)', s.hookAcceptedSchema), 202: json('Jobs created', s.hookAcceptedSchema), 400: common[400], 401: problem('Bad signature or replayed timestamp'), 404: problem('Unknown hook'), 503: common[503] },
  }));
  registerCrawlRoutes(app);
  registerScheduleRoutes(app);
}
