/**
 * @module edge/routes/batches
 * `POST /v1/batches` (up to 10,000 jobs, one `/pipeline` round trip per 1,000) and
 * `GET /v1/batches/:id` (counts and progress).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { batchKey, BATCH_TTL_SECONDS } from '../../../shared/batch-keys.ts';
import type { AppEnv } from '../app-env.ts';
import { mayAccessId } from '../auth/tenant-access.ts';
import { loadEdgeConfig } from '../config.ts';
import { NotFoundProblem } from '../problems/problems.ts';
import { readBatch } from '../queue/batch-records.ts';
import { withBroker } from '../queue/broker-errors.ts';
import { enqueueBatch } from '../queue/enqueue-batch.ts';
import { idempotentJobId, isJobId, randomJobId } from '../queue/job-id.ts';
import { toEnqueueInput } from '../queue/submission.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { validateBatchItems } from './batch-items.ts';
import { idempotencyKeyHeader } from './idempotency-key.ts';
import { readJsonBody } from './read-json-body.ts';

export const batchesRoutes = new OpenAPIHono<AppEnv>();

batchesRoutes.post('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  const requests = validateBatchItems(await readJsonBody(c, z.unknown()));
  const apiKeyId = c.get('apiKeyId');
  const tenant = c.get('tenant');
  const batchIdempotencyKey = idempotencyKeyHeader(c);
  // Tagged like job ids, so GET /v1/batches/:id can refuse other tenants without a Redis command.
  const batchId = batchIdempotencyKey ? await idempotentJobId(tenant, batchIdempotencyKey, 'b') : randomJobId(tenant, 'b');
  const inputs = await Promise.all(requests.map((request, index) => toEnqueueInput(config, {
    request, apiKeyId, tenant, batchId, scopes: c.get('scopes'),
    // Items of an idempotent batch get ids from the batch key and their index, so a retried
    // batch names the same jobs; an item's own idempotencyKey still wins.
    ...(batchIdempotencyKey && !request.idempotencyKey ? { jobId: `${batchId}-${index}` } : {}),
  })));

  const broker = upstashClient(config.broker);
  const record = batchKey(config.prefix, batchId);
  // The record exists before any job can finish, so no worker update is lost; `total` is
  // corrected below for items that turned out to be duplicates.
  const outcomes = await withBroker(() => enqueueBatch(broker, inputs, {
    prelude: (pipeline) => {
      pipeline.hsetnx(record, 'createdAt', Date.now()).hsetnx(record, 'submittedBy', apiKeyId)
        .hincrby(record, 'total', inputs.length).expire(record, BATCH_TTL_SECONDS);
      return 4;
    },
  }));
  const deduplicated = outcomes.filter((outcome) => outcome.duplicate).length;
  if (deduplicated > 0) await withBroker(() => broker.hincrby(record, 'total', -deduplicated));

  const statusUrl = new URL(`/v1/batches/${batchId}`, c.req.url).toString();
  c.header('location', statusUrl);
  return c.json({
    batchId,
    count: outcomes.length - deduplicated,
    deduplicated,
    statusUrl,
    jobs: outcomes.map((outcome) => ({ id: outcome.id, duplicate: outcome.duplicate })),
  }, 202);
});

batchesRoutes.get('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const batchId = c.req.param('id');
  const notFound = () => new NotFoundProblem(`No batch with id "${batchId}": check the batchId returned by POST /v1/batches (records expire after 7 days).`);
  // Another tenant's batch answers exactly like an unknown one.
  if (!isJobId(batchId) || !mayAccessId(c, batchId)) throw notFound();
  const view = await withBroker(() => readBatch(upstashClient(config.broker), config.prefix, batchId));
  if (!view) throw notFound();
  return c.json(view);
});
