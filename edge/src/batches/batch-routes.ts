/**
 * @module edge/batches/batch-routes
 * `POST /v1/batches` (up to 10,000 jobs, one `/multi-exec` round trip per 1,000; a broker
 * failure part-way answers 503 with what was enqueued and the key that completes the batch)
 * and `GET /v1/batches/:id` (counts and progress, and the state of its `export`).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { BATCH_TTL_SECONDS } from '../../../shared/batch-keys.ts';
import type { AppEnv } from '../app-env.ts';
import { mayAccessId } from '../auth/tenant-access.ts';
import { loadEdgeConfig } from '../config.ts';
import { NotFoundProblem } from '../problems/problems.ts';
import { readBatch } from './batch-records.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { BatchChunkFailedError, enqueueBatchItems, itemRange } from '../jobs/enqueue/enqueue-batch.ts';
import type { EnqueueOutcome } from '../jobs/enqueue/enqueue-plan.ts';
import { BatchIncompleteProblem } from './batch-incomplete.ts';
import { idempotentJobId, isJobId } from '../jobs/enqueue/job-id.ts';
import { toEnqueueInput } from '../jobs/enqueue/submission.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { validateBatchItems } from './batch-items.ts';
import { exportColumnsOf } from '../../../shared/exports/export-columns.ts';
import type { JobRequest } from '../../../shared/job-schema.ts';
import { batchExportDestination, exportView } from './batch-export.ts';
import { idempotencyKeyHeader } from '../jobs/enqueue/idempotency-key.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';

export const batchesRoutes = new OpenAPIHono<AppEnv>();

batchesRoutes.post('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  const { requests, export: exportOption } = validateBatchItems(await readJsonBody(c, z.unknown()));
  const apiKeyId = c.get('apiKeyId');
  // Every batch has a key: without the header the edge makes one up, so that a batch the broker
  // failed part-way through can be completed by a retry (the 503 hands the key back).
  const tenant = c.get('tenant');
  const idempotencyKey = idempotencyKeyHeader(c) ?? crypto.randomUUID();
  // Tagged like job ids, so GET /v1/batches/:id can refuse other tenants without a Redis command.
  const batchId = await idempotentJobId(tenant, idempotencyKey, 'b');
  const destination = exportOption && batchExportDestination(config, batchId, exportOption);
  const inputs = await Promise.all(requests.map((request, index) => toEnqueueInput(config, {
    request, apiKeyId, tenant, batchId, scopes: c.get('scopes'),
    // Items get ids from the batch id and their index, so a retried batch names the same jobs;
    // an item's own idempotencyKey still wins.
    ...(request.idempotencyKey ? {} : { jobId: `${batchId}-${index}` }),
  })));

  const broker = upstashClient(config.broker);
  const statusUrl = new URL(`/v1/batches/${batchId}`, c.req.url).toString();
  const ledger = {
    prefix: config.prefix, batchId, ttlSeconds: BATCH_TTL_SECONDS,
    // The CSV columns of the batch's exports, from what its items ask for (shared/exports/).
    fields: {
      items: inputs.length, createdAt: Date.now(), submittedBy: apiKeyId, columns: JSON.stringify(exportColumnsOf(requests.filter((item): item is JobRequest => !('task' in item)))),
      // Where the workers write the batch's results once it finished (batch-export.ts).
      ...(destination ? { export: JSON.stringify(destination) } : {}),
    },
  };
  let outcomes: EnqueueOutcome[];
  try {
    outcomes = await enqueueBatchItems(broker, inputs, ledger);
  } catch (error) {
    if (!(error instanceof BatchChunkFailedError)) throw error;
    console.error('batch enqueue failed part-way', error.message);
    throw new BatchIncompleteProblem({
      batchId, idempotencyKey, statusUrl, items: inputs.length,
      enqueued: itemRange(0, error.enqueued.length), uncertain: error.uncertain, notSent: error.notSent,
    });
  }

  // Per request, as POST /v1/jobs: what this request stored. The batch's own counters (over
  // every request with this key) are at statusUrl.
  const deduplicated = outcomes.filter((outcome) => outcome.duplicate).length;
  c.header('location', statusUrl);
  return c.json({
    batchId,
    idempotencyKey,
    count: outcomes.length - deduplicated,
    deduplicated,
    replayed: outcomes.filter((outcome) => outcome.replayed).length,
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
  const { record, ...counts } = view;
  const exported = await exportView(config, record);
  return c.json(exported ? { ...counts, export: exported } : counts);
});
