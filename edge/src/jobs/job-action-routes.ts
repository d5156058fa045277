/**
 * @module edge/jobs/job-action-routes
 * `DELETE /v1/jobs/:id` (cancel a job that has not started) and `POST /v1/jobs/:id/retry`
 * (replay a failed job).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { JobStateConflictProblem } from '../problems/problems.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { cancelJob, retryJob } from './cancel-and-retry.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { accessibleJobId, jobNotFound } from './job-routes.ts';

export const jobActionRoutes = new OpenAPIHono<AppEnv>();

jobActionRoutes.delete('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleJobId(c);
  const outcome = await withBroker(() => cancelJob(upstashClient(config.broker), config.prefix, id));
  if (outcome.ok) return c.json({ id, status: 'cancelled', previous: outcome.previous });
  if (outcome.state === null) throw jobNotFound(id);
  const reason = outcome.state === 'active'
    ? 'it is running now; it cannot be cancelled mid-fetch'
    : `it is ${outcome.state}; only waiting, delayed or prioritized jobs can be cancelled`;
  throw new JobStateConflictProblem(`Job "${id}" was not cancelled: ${reason}.`, outcome.state);
});

jobActionRoutes.post('/:id/retry', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleJobId(c);
  const outcome = await withBroker(() => retryJob(upstashClient(config.broker), config.prefix, id));
  if (outcome.ok) return c.json({ id, status: 'waiting', previous: 'failed' }, 202);
  if (outcome.state === null) throw jobNotFound(id);
  throw new JobStateConflictProblem(`Job "${id}" was not retried: it is ${outcome.state}; only failed jobs can be retried.`, outcome.state);
});
