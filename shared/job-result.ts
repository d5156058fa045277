/**
 * @module shared/job-result
 * The result a worker stores for a completed job and the edge returns to callers.
 */
import { z } from 'zod';
import { jobModeSchema } from './job-schema.ts';

export const extractedValueSchema = z.union([z.string(), z.null(), z.array(z.string())]);

export const jobResultSchema = z.object({
  /** The URL that was requested. */
  url: z.string(),
  /** The URL after redirects. */
  finalUrl: z.string(),
  /** HTTP status of the final response. */
  httpStatus: z.number().int(),
  /** Text of the document's `<title>`, or null. */
  title: z.string().nullable(),
  /** One entry per extraction rule: first match's text (null when none) or all matches. */
  extract: z.record(z.string(), extractedValueSchema),
  /** ISO-8601 time the page was fetched. */
  fetchedAt: z.string(),
  /** Wall time of the fetch and extraction, in milliseconds. */
  durationMs: z.number(),
  mode: jobModeSchema,
  /** Which attempt produced this result (1 for the first). */
  attempt: z.number().int().min(1),
});
export type JobResult = z.infer<typeof jobResultSchema>;

/** Job states as BullMQ names them, plus `unknown` for an id the broker has never seen. */
export const jobStatusSchema = z.enum(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed', 'waiting-children']);
export type JobStatus = z.infer<typeof jobStatusSchema>;
