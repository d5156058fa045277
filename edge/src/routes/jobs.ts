/**
 * @module edge/routes/jobs
 * `POST /v1/jobs` (enqueue, 202) and `GET /v1/jobs/:id` (state and result).
 */
import { Hono } from 'hono';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { NotFoundProblem } from '../problems/problems.ts';
import { withBroker } from '../queue/broker-errors.ts';
import { enqueueJob } from '../queue/enqueue-job.ts';
import { idempotentJobId, isJobId, randomJobId } from '../queue/job-id.ts';
import { readJob } from '../queue/read-job.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { readJsonBody } from './read-json-body.ts';

const INITIAL_STATUS = { standard: 'waiting', delayed: 'delayed', prioritized: 'prioritized' } as const;

export const jobsRoutes = new Hono<AppEnv>();

jobsRoutes.post('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  const request = await readJsonBody(c, jobRequestSchema);
  const apiKeyId = c.get('apiKeyId');
  const jobId = request.idempotencyKey ? await idempotentJobId(apiKeyId, request.idempotencyKey) : randomJobId();
  const outcome = await withBroker(() =>
    enqueueJob(upstashClient(config.broker), {
      prefix: config.prefix,
      jobId,
      request,
      submittedBy: apiKeyId,
      options: { backoffMs: config.backoffMs, keepCompleted: config.keepCompleted, keepFailed: config.keepFailed },
    }),
  );
  const statusUrl = new URL(`/v1/jobs/${outcome.id}`, c.req.url).toString();
  c.header('location', statusUrl);
  return c.json({
    id: outcome.id,
    status: outcome.duplicate ? 'duplicate' : INITIAL_STATUS[outcome.kind],
    duplicate: outcome.duplicate,
    statusUrl,
  }, 202);
});

jobsRoutes.get('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = c.req.param('id');
  const notFound = () => new NotFoundProblem(`No job with id "${id}": check the id returned by POST /v1/jobs (finished jobs expire after their retention period).`);
  if (!isJobId(id)) throw notFound();
  const view = await withBroker(() => readJob(upstashClient(config.broker), upstashClient(config.results), config.prefix, id));
  if (!view) throw notFound();
  return c.json(view);
});
