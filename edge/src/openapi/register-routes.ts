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
import * as s from './schemas.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: s.problemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const idParam = z.object({ id: z.string().describe('Job id from POST /v1/jobs; another tenant\'s id answers 404 like an unknown one') });
const secured = [{ bearer: [] }];
const common = { 400: problem('Invalid input: the detail names the field and the limit'), 401: problem('Missing or invalid API key'), 503: problem('Broker unreachable: retry after Retry-After seconds') };

export function registerRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  // Task requests are components of their own: the scrape request stays the documented body (clients read its properties).
  for (const [name, schema] of taskRequestSchemas()) r.register(`TaskRequest_${name}`, schema);
  r.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API key from API_KEYS' });
  r.registerPath(createRoute({ method: 'get', path: '/healthz', summary: 'Liveness', responses: { 200: json('The edge answers', z.object({ status: z.literal('ok') })) } }));
  r.registerPath(createRoute({ method: 'get', path: '/readyz', summary: 'Readiness (broker reachable)', responses: { 200: json('Ready', z.object({ status: z.literal('ready') })), 503: common[503] } }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/jobs', summary: 'Enqueue a scrape job, or a run of a task ({"task", "input"})', security: secured,
    description: 'The body is a scrape request (below) or a task request: one `TaskRequest_<name>` schema per task of this deployment (components), its `input` checked against the task\'s own schema.',
    request: { headers: z.object({ 'idempotency-key': z.string().optional() }), body: { required: true, content: { 'application/json': { schema: jobRequestSchema } } } },
    responses: { 202: json('Accepted (or an existing job for the same idempotency key)', s.jobAcceptedSchema), ...common, 413: problem('Body too large'), 415: problem('Not JSON'), 429: problem('Quota exceeded') },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/jobs', summary: 'List jobs by state (the dead-letter view: status=failed)', security: secured,
    request: { query: z.object({ status: z.string().optional(), limit: z.string().optional(), cursor: z.string().optional() }) },
    responses: { 200: json('One page', s.jobListSchema), ...common },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/jobs/{id}', summary: 'Job state, attempts and result', security: secured,
    request: { params: idParam, query: z.object({ wait: z.string().optional().describe('Long-poll up to N seconds (≤ 60) for the job to finish') }) },
    responses: { 200: json('The job', s.jobViewSchema), 404: problem('Unknown or expired job'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'delete', path: '/v1/jobs/{id}', summary: 'Cancel a job that has not started', security: secured,
    request: { params: idParam }, responses: { 200: json('Cancelled', s.jobChangeSchema), 404: problem('Unknown job'), 409: problem('Running or finished'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/jobs/{id}/retry', summary: 'Replay a failed job with fresh attempts', security: secured,
    request: { params: idParam }, responses: { 202: json('Re-queued', s.jobChangeSchema), 404: problem('Unknown job'), 409: problem('Not failed'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/jobs/{id}/events', summary: 'Server-Sent Events: status, progress, completed | failed', security: secured,
    request: { params: idParam }, responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, 404: problem('Unknown job'), 429: problem('The key holds QUARRY_MAX_SSE_STREAMS streams open already'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/batches', summary: 'Enqueue up to 10,000 jobs (all-or-nothing validation)', security: secured,
    request: { headers: z.object({ 'idempotency-key': z.string().optional() }), body: { required: true, content: { 'application/json': { schema: batchBodySchema } } } },
    responses: { 202: json('Accepted', s.batchAcceptedSchema), ...common, 413: problem('Body too large') },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/batches/{id}', summary: 'Batch counts and progress', security: secured,
    request: { params: z.object({ id: z.string() }) }, responses: { 200: json('The batch', s.batchViewSchema), 404: problem('Unknown batch'), ...common },
  }));
  const hostParam = z.object({ host: z.string().describe('Domain key: lower-case host, with :port when not the default') });
  r.registerPath(createRoute({
    method: 'get', path: '/v1/domains/{host}', summary: 'A domain\'s limits, usage, cooldown and robots.txt state', security: secured,
    request: { params: hostParam }, responses: { 200: json('The domain', z.record(z.string(), z.unknown())), ...common },
  }));
  r.registerPath(createRoute({
    method: 'put', path: '/v1/domains/{host}/limits', summary: 'Set the fleet-wide limits of one domain (admin)', security: secured,
    request: { params: hostParam, body: { required: true, content: { 'application/json': { schema: domainLimitsSchema } } } },
    responses: { 200: json('Stored', z.object({ domain: z.string(), limits: domainLimitsSchema })), 403: problem('Key lacks the admin scope'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'delete', path: '/v1/domains/{host}/limits', summary: 'Back to the fleet defaults (admin)', security: secured,
    request: { params: hostParam }, responses: { 200: json('Removed', z.object({ domain: z.string(), limits: z.null() })), 403: problem('Key lacks the admin scope'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/hooks/{name}', summary: 'Signed webhook trigger (Quarry-Signature or X-Hub-Signature-256)',
    request: { params: z.object({ name: z.string() }), body: { required: true, content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } },
    responses: { 200: json('A replayed delivery: nothing created (duplicate: true)', s.hookAcceptedSchema), 202: json('Jobs created', s.hookAcceptedSchema), 400: common[400], 401: problem('Bad signature or replayed timestamp'), 404: problem('Unknown hook'), 503: common[503] },
  }));
  registerCrawlRoutes(app);
}
