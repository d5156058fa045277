/**
 * @module edge/openapi/schemas
 * Response shapes of the API, for the OpenAPI document (requests reuse shared/ schemas).
 */
import { z } from 'zod';
import { jobResultSchema } from '../../../shared/job-result.ts';

export { domainLimitsExample, domainViewSchema, jobEventsExample, jobRequestExample } from './examples.ts';

export const problemSchema = z.object({
  type: z.string().describe('`urn:quarry:problem:<slug>`, one per failure meaning'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().describe('What went wrong and what to fix'),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).meta({
  id: 'Problem',
  example: { type: 'urn:quarry:problem:validation', title: 'Invalid request', status: 400, detail: 'Fix the request body: url: Invalid URL.', errors: [{ path: 'url', message: 'Invalid URL' }] },
});

export const jobAcceptedSchema = z.object({
  id: z.string(),
  status: z.enum(['waiting', 'delayed', 'prioritized', 'duplicate']),
  duplicate: z.boolean().describe('True when the idempotency key or dedupe window matched an existing job: nothing new was stored'),
  statusUrl: z.url(),
}).meta({ id: 'JobAccepted', example: { id: '3f2a9c0b1d4e.j-8d1e2f', status: 'waiting', duplicate: false, statusUrl: 'https://quarry.example/v1/jobs/3f2a9c0b1d4e.j-8d1e2f' } });

export const jobViewSchema = z.object({
  id: z.string(),
  status: z.string().describe('waiting | delayed | prioritized | active | completed | failed'),
  name: z.string().optional(),
  attempts: z.object({ made: z.number(), started: z.number(), max: z.number() }),
  progress: z.unknown(),
  createdAt: z.string().optional(),
  processedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  result: jobResultSchema.optional(),
  error: z.string().optional(),
  callback: z.object({ attempts: z.number(), delivered: z.boolean(), lastStatus: z.number().nullable(), lastError: z.string().nullable(), lastAttemptAt: z.string().nullable(), deliveredAt: z.string().nullable() }).optional().describe('Result-callback delivery attempts'),
}).meta({
  id: 'JobView',
  example: {
    id: '3f2a9c0b1d4e.j-8d1e2f', status: 'completed', name: 'scrape', attempts: { made: 0, started: 1, max: 3 }, progress: 100,
    createdAt: '2026-12-02T10:00:00.000Z', processedAt: '2026-12-02T10:00:00.100Z', finishedAt: '2026-12-02T10:00:00.400Z',
    result: { url: 'https://example.com/product/1', finalUrl: 'https://example.com/product/1', httpStatus: 200, title: 'Product 1', extract: { title: 'Product 1', price: '9.99' }, fetchedAt: '2026-12-02T10:00:00.390Z', durationMs: 290, mode: 'http', attempt: 1 },
  },
});

export const jobListSchema = z.object({
  status: z.string(),
  total: z.number().nullable().describe('Jobs in this state, every tenant\'s: admin keys only (null for tenant keys)'),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null at the end. A tenant\'s page may hold fewer than limit jobs while nextCursor is not null'),
  jobs: z.array(z.object({ id: z.string(), mode: z.string().nullable(), url: z.string().nullable(), error: z.string().nullable(), finishedAt: z.string().nullable(), attemptsMade: z.number() })),
}).meta({ id: 'JobList', example: { status: 'failed', total: null, nextCursor: '50', jobs: [{ id: '3f2a9c0b1d4e.j-8d1e2f', mode: 'http', url: 'https://example.com/gone', error: 'HTTP 404 (not retried)', finishedAt: '2026-12-02T10:00:01.000Z', attemptsMade: 1 }] } });

export const jobChangeSchema = z.object({ id: z.string(), status: z.string(), previous: z.string() })
  .meta({ id: 'JobChange', example: { id: '3f2a9c0b1d4e.j-8d1e2f', status: 'waiting', previous: 'failed' } });

export const batchAcceptedSchema = z.object({
  batchId: z.string(),
  idempotencyKey: z.string().describe('Send it as Idempotency-Key to repeat this request without duplicates (made up by the edge when the request had none)'),
  count: z.number().describe('Jobs this request created'),
  deduplicated: z.number().describe('Items of this request that matched an existing job (replayed ones included); nothing new was stored for them'),
  replayed: z.number().describe('Items an earlier request with this key had already enqueued (a retry after a 503)'),
  statusUrl: z.url(),
  jobs: z.array(z.object({ id: z.string(), duplicate: z.boolean() })).describe('One entry per item, in order'),
}).meta({
  id: 'BatchAccepted',
  example: { batchId: '3f2a9c0b1d4e.b-7c1d', idempotencyKey: 'nightly-2026-12-02', count: 2, deduplicated: 0, replayed: 0, statusUrl: 'https://quarry.example/v1/batches/3f2a9c0b1d4e.b-7c1d', jobs: [{ id: '3f2a9c0b1d4e.b-7c1d-0', duplicate: false }, { id: '3f2a9c0b1d4e.b-7c1d-1', duplicate: false }] },
});

/** A batch's or crawl's `export` as its view shows it (edge/src/batches/batch-export.ts exportView). */
export const exportViewSchema = z.object({
  format: z.enum(['jsonl', 'csv']),
  url: z.string().optional().describe('The s3:// URL the batch (or crawl) asked for'),
  bucket: z.string().nullable().describe('null: the artifact store\'s bucket'),
  key: z.string().describe('Object key of the file: `<tenant tag>/<id>-export/results.<ext>`, or `<tenant tag>/<path>` in an allowed bucket'),
  state: z.enum(['pending', 'due', 'writing', 'written', 'failed']).describe('pending until every job finished (a crawl: until it completed); due, writing, then written or failed'),
  attempts: z.number(),
  rows: z.number().optional(), bytes: z.number().optional(), writtenAt: z.string().optional(),
  error: z.string().optional().describe('Why the last attempt failed'),
  downloadUrl: z.string().optional().describe('Once written: a presigned GET URL of the file, valid QUARRY_ARTIFACT_URL_TTL_SECONDS'),
  downloadUrlExpiresAt: z.string().optional(),
});

export const batchViewSchema = z.object({
  batchId: z.string(), items: z.number(), total: z.number().describe('completed + failed + cancelled + pending'),
  children: z.number().describe('Child jobs the batch\'s tasks added (ctx.enqueue); counted in total, not in items'),
  deduplicated: z.number(), unaccounted: z.number().describe('Items not enqueued yet (a POST failed part-way: retry it with its Idempotency-Key)'),
  completed: z.number(), failed: z.number(), cancelled: z.number(), pending: z.number(), progress: z.number(),
  state: z.enum(['incomplete', 'running', 'finished']), createdAt: z.string(),
  export: exportViewSchema.optional().describe('The batch\'s export, when it asked for one'),
}).meta({
  id: 'BatchView',
  example: {
    batchId: '3f2a9c0b1d4e.b-7c1d…', items: 3, total: 3, children: 0, deduplicated: 0, unaccounted: 0, completed: 3, failed: 0, cancelled: 0, pending: 0, progress: 100,
    state: 'finished', createdAt: '2026-12-02T10:00:00.000Z',
    export: { format: 'csv', bucket: null, key: '3f2a9c0b1d4e/3f2a9c0b1d4e.b-7c1d…-export/results.csv', state: 'written', attempts: 1, rows: 3, bytes: 2048, writtenAt: '2026-12-02T10:00:09.000Z', downloadUrl: 'https://…?X-Amz-Signature=…', downloadUrlExpiresAt: '2026-12-02T10:15:09.000Z' },
  },
});

export const hookAcceptedSchema = z.object({
  hook: z.string(),
  duplicate: z.boolean().describe('True for a replayed delivery (the same signed content within the replay window): nothing was created'),
  count: z.number(), deduplicated: z.number(),
  jobs: z.array(z.object({ id: z.string(), duplicate: z.boolean(), statusUrl: z.url() })),
}).meta({ id: 'HookAccepted', example: { hook: 'deploy', duplicate: false, count: 1, deduplicated: 0, jobs: [{ id: '3f2a9c0b1d4e.j-9a0b', duplicate: false, statusUrl: 'https://quarry.example/v1/jobs/3f2a9c0b1d4e.j-9a0b' }] } });
