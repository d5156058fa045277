/**
 * @module shared/batch-schema
 * `POST /v1/batches` bodies: a list of full job requests, or a list of URLs sharing defaults.
 */
import { z } from 'zod';
import { exportOptionSchema } from './exports/export-target.ts';
import { LIMITS } from './limits.ts';

export const BATCH_MAX_JOBS = 10_000;

const items = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'must contain at least one item').max(BATCH_MAX_JOBS, `must contain at most ${BATCH_MAX_JOBS} items`);

/** Written by the workers once the batch finished: JSON Lines or CSV, into the artifact store or an allowed bucket. */
const exportField = exportOptionSchema.optional().describe('Written by the workers once every job finished (shared/exports/export-target.ts)');

export const batchJobsBodySchema = z.strictObject({ jobs: items(z.unknown()), export: exportField });
export const batchUrlsBodySchema = z.strictObject({
  urls: items(z.string().max(LIMITS.urlMaxLength, `must be at most ${LIMITS.urlMaxLength} characters`)),
  /** Every field of a job request except `url` and `idempotencyKey`, applied to each URL. */
  defaults: z.record(z.string(), z.unknown()).optional(),
  export: exportField,
});

/** The outer shape only (for docs); items are validated one by one so every bad item can be reported by index. */
export const batchBodySchema = z.union([batchJobsBodySchema, batchUrlsBodySchema]);
export type BatchBody = z.infer<typeof batchBodySchema>;

/** Picks the form by its key so errors speak about that form, not about a failed union. */
export function batchBodyFormSchema(body: unknown) {
  const hasUrls = typeof body === 'object' && body !== null && 'urls' in body;
  return hasUrls ? batchUrlsBodySchema : batchJobsBodySchema;
}
