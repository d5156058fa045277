/**
 * @module shared/job-result
 * The result a worker stores for a completed job and the edge returns to callers.
 */
import { z } from 'zod';
import { actionsResultSchema } from './scrape-options/action-options.ts';
import { jobModeSchema } from './job-schema.ts';
import { taskResultSchema, type TaskResult } from './tasks/task-request.ts';

export const extractedValueSchema = z.union([z.string(), z.null(), z.array(z.string())]);

/** The `metadata` format: what the page says about itself, and how it was fetched. */
export const pageMetadataSchema = z.object({
  /** Text of `<title>`, or null. */
  title: z.string().nullable(),
  /** `<meta name="description">`. */
  description: z.string().nullable(),
  /** `<html lang>`, else the `Content-Language` header or `<meta http-equiv>`. */
  language: z.string().nullable(),
  /** `<link rel="canonical">`, absolute. */
  canonical: z.string().nullable(),
  /** `<meta name="robots">` as written (e.g. `noindex, nofollow`). */
  robots: z.string().nullable(),
  /** Every `<meta property="og:…">` by its property; repeated properties (og:image) give a list. */
  og: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  /** HTTP status of the final response. */
  statusCode: z.number().int(),
  /** `Content-Type` of the final response. */
  contentType: z.string().nullable(),
  /** The URL after redirects. */
  finalUrl: z.string(),
  /** ISO-8601 time the page was fetched. */
  fetchedAt: z.string(),
});
export type PageMetadata = z.infer<typeof pageMetadataSchema>;

/** One file in the artifact store that belongs to a result (a screenshot, a PDF, an oversized result). */
export const artifactRefSchema = z.object({
  /** File name within the job, e.g. `screenshot.png`. */
  name: z.string(),
  /** What it holds. */
  type: z.enum(['screenshot', 'pdf', 'result']),
  contentType: z.string(),
  /** Size in bytes. */
  bytes: z.number().int().min(0),
  /** Object key in the store: `<tenant tag>/<job id>/<name>`; the edge signs a URL for it. */
  key: z.string(),
  /** `GET /v1/jobs/:id` only: a presigned URL to download it, valid until `urlExpiresAt`. */
  url: z.string().optional(),
  urlExpiresAt: z.string().optional(),
});
export type ArtifactRef = z.infer<typeof artifactRefSchema>;

/** `changeTracking`: how the page compares with the last scrape of the same (tenant, canonical URL, tag). */
export const pageChangeSchema = z.object({
  /** `new` (no earlier snapshot), `same`, `changed`, or `removed` (the page answers 404/410). */
  status: z.enum(['new', 'same', 'changed', 'removed']),
  /** When the snapshot compared with was taken (ISO-8601), null for `new`. */
  previousAt: z.string().nullable(),
  /**
   * `changed` only: `fields` mode `{fields: {<name>: {previous, current, added?, removed?}}}` (the
   * changed fields); `markdown` mode a unified diff (text), or null when the pages are too large
   * to diff in time.
   */
  diff: z.union([z.string(), z.object({ fields: z.record(z.string(), z.unknown()) })]).nullable(),
});
export type PageChange = z.infer<typeof pageChangeSchema>;

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
  // Present only when the job asked for them in `formats` (the default result has none).
  /** `markdown`: GitHub-flavoured, links and images absolute. */
  markdown: z.string().optional(),
  /** `html`: cleaned (no scripts, styles, comments or event handlers), URLs absolute. */
  html: z.string().optional(),
  /** `rawHtml`: what the server sent, or the rendered DOM in browser mode. */
  rawHtml: z.string().optional(),
  /** `links`: absolute http(s) links of the page, deduped, without fragments, in page order. */
  links: z.array(z.string()).optional(),
  metadata: pageMetadataSchema.optional(),
  /** Screenshots, PDFs and oversized results, stored outside Redis. */
  artifacts: z.array(artifactRefSchema).optional(),
  /**
   * Present when the result was over QUARRY_RESULT_INLINE_MAX_BYTES: it is a stub, and these
   * fields (e.g. `markdown`, `extract`) are only in its `result.json` artifact (`extract` is `{}` here).
   */
  offloaded: z.array(z.string()).optional(),
  /** What the job's browser `actions` produced (present only when it had actions). */
  actions: actionsResultSchema.optional(),
  /** Present when the job asked for `changeTracking`. */
  change: pageChangeSchema.optional(),
});
export type JobResult = z.infer<typeof jobResultSchema>;

/** Job states as BullMQ names them, plus `unknown` for an id the broker has never seen. */
export const jobStatusSchema = z.enum(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed', 'waiting-children']);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** What the result store holds under a job id: a scrape's result, or a task run's (shared/tasks/). */
export const storedResultSchema = z.union([jobResultSchema, taskResultSchema]);
export type StoredResult = z.infer<typeof storedResultSchema>;

/** A task run's result, not a scrape's. */
export function isTaskResult(result: StoredResult): result is TaskResult {
  return 'task' in result && typeof result.task === 'string';
}
