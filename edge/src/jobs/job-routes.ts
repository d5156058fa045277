/**
 * @module edge/jobs/job-routes
 * `POST /v1/jobs` (enqueue, 202), `GET /v1/jobs` (list by state), `GET /v1/jobs/:id`
 * (state and result; `?wait=N` long-polls until it finishes).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import { isTaskRequestBody } from '../../../shared/tasks/task-request.ts';
import { z } from 'zod';
import { parseTaskRequest } from '../tasks/task-input.ts';
import { ValidationProblem } from '../problems/problems.ts';
import { issuesToFieldErrors } from '../middleware/read-json-body.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { mayAccessId, seesAllTenants } from '../auth/tenant-access.ts';
import { signArtifacts } from '../artifacts/sign-artifacts.ts';
import { loadEdgeConfig } from '../config.ts';
import { InvalidQueryProblem, NotFoundProblem } from '../problems/problems.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { enqueueJob } from './enqueue/enqueue-job.ts';
import { isJobId } from './enqueue/job-id.ts';
import { LISTABLE_STATES, listJobs, type ListableState } from './list-jobs.ts';
import { readJob } from './read-job.ts';
import { toEnqueueInput } from './enqueue/submission.ts';
import { waitForJob } from './wait-for-job.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { idempotencyKeyHeader, mergeIdempotencyKey } from './enqueue/idempotency-key.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';

const INITIAL_STATUS = { standard: 'waiting', delayed: 'delayed', prioritized: 'prioritized' } as const;
const MAX_WAIT_SECONDS = 60;

export const jobsRoutes = new OpenAPIHono<AppEnv>();

export const jobNotFound = (id: string) =>
  new NotFoundProblem(`No job with id "${id}": check the id returned by POST /v1/jobs (finished jobs expire after their retention period).`);

/**
 * The `:id` path parameter, when it names a job the caller may see; otherwise the same 404 as
 * an unknown job, before any Redis command (another tenant's ids are not probed for existence).
 */
export function accessibleJobId(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!isJobId(id) || !mayAccessId(c, id)) throw jobNotFound(id);
  return id;
}

jobsRoutes.post('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  const headerKey = idempotencyKeyHeader(c);
  // A body with "task" runs a task (edge/src/tasks/); any other is a scrape request.
  const body = await readJsonBody(c, z.unknown());
  const request = isTaskRequestBody(body) ? parseTaskRequest(body) : parseScrapeRequest(body);
  const idempotencyKey = mergeIdempotencyKey(headerKey, request.idempotencyKey);
  if (idempotencyKey !== undefined) request.idempotencyKey = idempotencyKey;
  const input = await toEnqueueInput(config, { request, apiKeyId: c.get('apiKeyId'), tenant: c.get('tenant'), scopes: c.get('scopes') });
  const outcome = await withBroker(() => enqueueJob(upstashClient(config.broker), input));
  const statusUrl = new URL(`/v1/jobs/${outcome.id}`, c.req.url).toString();
  c.header('location', statusUrl);
  return c.json({
    id: outcome.id,
    status: outcome.duplicate ? 'duplicate' : INITIAL_STATUS[outcome.kind],
    duplicate: outcome.duplicate,
    statusUrl,
  }, 202);
});

function parseScrapeRequest(body: unknown) {
  const parsed = jobRequestSchema.safeParse(body);
  if (!parsed.success) throw new ValidationProblem(issuesToFieldErrors(parsed.error.issues));
  return parsed.data;
}

jobsRoutes.get('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  const status = c.req.query('status') ?? 'failed';
  if (!(LISTABLE_STATES as readonly string[]).includes(status)) throw new InvalidQueryProblem('status', `must be one of ${LISTABLE_STATES.join(', ')}`);
  const limit = integerQuery(c.req.query('limit'), 50);
  const cursor = integerQuery(c.req.query('cursor'), 0);
  if (limit === undefined || limit < 1 || limit > 500) throw new InvalidQueryProblem('limit', 'must be an integer from 1 to 500');
  if (cursor === undefined || cursor < 0) throw new InvalidQueryProblem('cursor', 'must be the nextCursor of a previous page');
  const all = seesAllTenants(c);
  // A tenant's page is filtered by its tag inside the script, over a bounded scan window.
  const page = await withBroker(() => listJobs(upstashClient(config.broker), config.prefix, status as ListableState, {
    cursor, limit, ...(all ? {} : { tag: c.get('tenant').tag }),
  }));
  return c.json({ status, total: all ? page.size : null, jobs: page.jobs, nextCursor: page.next === null ? null : String(page.next) });
});

/** Whole decimal numbers only: `Number()` would also take `1e3`, `0x10` or ` 5 `. */
function integerQuery(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined) return fallback;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

jobsRoutes.get('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleJobId(c);
  const waitParam = c.req.query('wait');
  const wait = waitParam === undefined ? 0 : Number(waitParam);
  if (!Number.isFinite(wait) || wait < 0 || wait > MAX_WAIT_SECONDS) throw new InvalidQueryProblem('wait', `must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}`);
  const broker = upstashClient(config.broker);
  const results = upstashClient(config.results);
  const view = await withBroker(() => wait > 0
    ? waitForJob(broker, results, config.prefix, id, { timeoutMs: wait * 1000, signal: c.req.raw.signal })
    : readJob(broker, results, config.prefix, id));
  if (!view) throw jobNotFound(id);
  if (view.result && 'artifacts' in view.result && view.result.artifacts?.length) view.result = { ...view.result, artifacts: await signArtifacts(config, id, view.result.artifacts) };
  return c.json(view);
});
