/**
 * @module shared/job-schema
 * The scrape job request: one zod schema for edge validation, worker parsing and OpenAPI.
 */
import { z } from 'zod';
import { LIMITS } from './limits.ts';
import { checkScrapeOptions, scrapeOptionsShape } from './scrape-options/index.ts';

// The "what to scrape" schemas moved to shared/scrape-options/; re-exported for existing importers.
export { cssSelectorSchema, extractRuleSchema, extractSchema, jobModeSchema, type ExtractRule, type JobMode } from './scrape-options/index.ts';

/** An absolute http(s) URL within the length limit. */
export const httpUrlSchema = z
  .string()
  .max(LIMITS.urlMaxLength, `must be at most ${LIMITS.urlMaxLength} characters`)
  .pipe(z.url({ protocol: /^https?$/, hostname: z.regexes.hostname, error: 'must be an absolute http:// or https:// URL' }));

/** What a job adds to the scrape options: where, when, how often, and who hears about it. */
export const jobFieldsShape = {
  priority: z.int().min(0).max(LIMITS.priorityMax).default(0),
  delayMs: z.int().min(0).max(LIMITS.delayMsMax).default(0),
  attempts: z.int().min(LIMITS.attempts.min).max(LIMITS.attempts.max).default(LIMITS.attempts.default),
  idempotencyKey: z
    .string()
    .min(1)
    .max(LIMITS.idempotencyKeyMaxLength)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  callbackUrl: httpUrlSchema.optional(),
  /** Return the existing job for the same canonical URL (and mode and rules) submitted within this window. */
  dedupeWindowMs: z.int().min(0).max(LIMITS.delayMsMax).optional(),
};

/** One job: the URL, the scrape options (shared/scrape-options) and the job fields. */
export const jobRequestSchema = z
  .strictObject({ url: httpUrlSchema, ...scrapeOptionsShape, ...jobFieldsShape })
  .superRefine(checkScrapeOptions);

/** What a caller sends (defaults optional). */
export type JobRequestInput = z.input<typeof jobRequestSchema>;
/** A validated request with defaults applied. */
export type JobRequest = z.output<typeof jobRequestSchema>;

/** The payload stored in the BullMQ job: the request plus what the edge knew at enqueue time. */
export const jobDataSchema = z.object({
  request: jobRequestSchema,
  /** When the edge accepted the job (ms since epoch). */
  acceptedAt: z.number(),
  /** Non-secret id of the API key that submitted it (first 12 hex chars of its SHA-256). */
  submittedBy: z.string().optional(),
  /** The tenant the job belongs to (API_KEYS `@tenant`, the key's own id, or a hook's tenant); signs its callback. */
  tenant: z.string().optional(),
  /** The batch this job belongs to, if any (its counters are updated when the job finishes). */
  batchId: z.string().optional(),
  /** The URL's politeness domain (`domainKey`): cancelling the job frees the slot it reserved there. */
  domain: z.string().optional(),
  /** Manual retries so far (POST /v1/jobs/:id/retry adds one): each run gets its own result callbacks. */
  run: z.int().min(0).optional(),
  /** A crawl's page: which crawl, its page number (its job id is `<crawl id>-p<n>`) and link depth from a seed. */
  crawl: z.object({ id: z.string(), n: z.int().min(1), depth: z.int().min(0) }).optional(),
});
export type JobData = z.infer<typeof jobDataSchema>;

/** One extraction rule in the form the worker runs. */
export interface NormalizedExtractRule {
  name: string;
  selector: string;
  all: boolean;
  attr?: string;
}

/** Turns `extract` into a list of rules; `links[]` becomes `{name: 'links', all: true}`. */
export function normalizeExtract(extract: JobRequest['extract']): NormalizedExtractRule[] {
  return Object.entries(extract).map(([rawName, rule]) => {
    const suffixAll = rawName.endsWith('[]');
    const name = suffixAll ? rawName.slice(0, -2) : rawName;
    if (typeof rule === 'string') return { name, selector: rule, all: suffixAll };
    const normalized: NormalizedExtractRule = { name, selector: rule.selector, all: suffixAll || rule.all === true };
    if (rule.attr !== undefined) normalized.attr = rule.attr;
    return normalized;
  });
}
