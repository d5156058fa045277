/**
 * @module edge/batches/batch-results-routes
 * `GET /v1/batches/:id/results`: every stored result of the batch, streamed as JSON Lines
 * (`application/x-ndjson`) or CSV (`text/csv`), in item order, resumable with `?cursor=`
 * (edge/exports/export-request.ts). Results are read in chunks (shared/exports/batch-rows.ts),
 * so an export of any size holds one chunk in memory.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { batchRows } from '../../../shared/exports/batch-rows.ts';
import type { AppEnv } from '../app-env.ts';
import { mayAccessId } from '../auth/tenant-access.ts';
import { loadEdgeConfig } from '../config.ts';
import { exportResponse } from '../exports/export-response.ts';
import { readExportRequest } from '../exports/export-request.ts';
import { isJobId } from '../jobs/enqueue/job-id.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { NotFoundProblem } from '../problems/problems.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { openBatchExport } from './batch-result-store.ts';

export const batchResultsRoutes = new OpenAPIHono<AppEnv>();

batchResultsRoutes.get('/:id/results', async (c) => {
  const config = loadEdgeConfig(c.env);
  const batchId = c.req.param('id');
  const notFound = () => new NotFoundProblem(`No batch with id "${batchId}": check the batchId returned by POST /v1/batches (records expire after 7 days).`);
  if (!isJobId(batchId) || !mayAccessId(c, batchId)) throw notFound();
  const request = readExportRequest(c);
  const source = await withBroker(() => openBatchExport(config, upstashClient(config.broker), upstashClient(config.results), batchId));
  if (!source) throw notFound();
  const chunks = batchRows(source.store, { batchId, items: source.items, from: request.cursor, ...(request.limit === undefined ? {} : { limit: request.limit }) });
  return exportResponse(chunks, {
    request, columns: source.columns, filename: batchId,
    headers: { 'quarry-batch-items': String(source.items), 'quarry-cursor': String(request.cursor) },
  });
});
