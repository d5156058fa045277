/**
 * @module shared/schedules/schedule-schema
 * `POST /v1/schedules` and `PUT /v1/schedules/:id` bodies. The target is validated by the
 * schema of the route it stands for: `{job}` by the job request schema, `{batch}` by the batch
 * body schema (and, at the edge, each item by the job request schema, as `POST /v1/batches`
 * does). What depends on configuration (the minimum interval, the count cap) is checked at the
 * edge.
 */
import { z } from 'zod';
import { batchUrlsBodySchema } from '../batch-schema.ts';
import { crawlRequestSchema } from '../crawls/crawl-request.ts';
import { jobRequestSchema } from '../job-schema.ts';
import { cronProblem, isTimeZone } from './cron.ts';

/** The longest `everyMs`: a year. */
export const MAX_EVERY_MS = 366 * 24 * 3600 * 1000;

/**
 * Fields a scheduled run cannot have: its job ids come from the schedule and the slot (that is
 * what makes a slot fire once), and each slot is meant to scrape again, not to be answered by
 * an earlier job.
 */
const RUN_OWNED_FIELDS = ['idempotencyKey', 'dedupeWindowMs'] as const;

function refuseRunOwnedFields(value: Record<string, unknown> | undefined, path: (string | number)[], ctx: z.RefinementCtx): void {
  for (const field of RUN_OWNED_FIELDS) {
    if (value && value[field] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [...path, field], input: value[field], message: `cannot be set on a schedule's target: each run's ids come from the schedule and its slot, and every slot scrapes again` });
    }
  }
}

export const scheduleTargetSchema = z.strictObject({
  /** One job per slot, validated like `POST /v1/jobs`. */
  job: jobRequestSchema.optional(),
  /** One batch per slot, validated like `POST /v1/batches` with `{urls, defaults}`. */
  batch: batchUrlsBodySchema.optional(),
  /** One crawl per slot, validated like `POST /v1/crawls`. */
  crawl: crawlRequestSchema.optional(),
}).superRefine((target, ctx) => {
  const kinds = Object.keys(target).filter((key) => target[key as keyof typeof target] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({ code: 'custom', path: [], input: target, message: 'must hold exactly one of "job", "batch" or "crawl"' });
    return;
  }
  refuseRunOwnedFields(target.job, ['job'], ctx);
  refuseRunOwnedFields(target.batch?.defaults, ['batch', 'defaults'], ctx);
  refuseRunOwnedFields(target.crawl, ['crawl'], ctx);
  // A run's batch or crawl is made by a worker, which does not write exports for it.
  for (const [kind, value] of [['batch', target.batch], ['crawl', target.crawl]] as const) {
    if (value?.export !== undefined) {
      ctx.addIssue({ code: 'custom', path: [kind, 'export'], input: value.export, message: 'is not supported on a schedule\'s target: download each run\'s results with GET /v1/batches/:id/results or /v1/crawls/:id/pages?format=csv' });
    }
  }
});
export type ScheduleTarget = z.output<typeof scheduleTargetSchema>;
export type ScheduleTargetKind = 'job' | 'batch' | 'crawl';

export const scheduleRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** Cron expression (5 fields, or 6 with seconds first), read in `timezone` (default UTC). */
  cron: z.string().trim().min(1).max(200).optional(),
  /** IANA time zone of `cron`, e.g. `Europe/Paris`. */
  timezone: z.string().min(1).max(64).optional(),
  /** Fixed interval instead of `cron`: the first run fires when the schedule is created or enabled. */
  everyMs: z.int().min(1).max(MAX_EVERY_MS).optional(),
  target: scheduleTargetSchema,
  enabled: z.boolean().default(true),
  /** A slot whose previous run is still going: `skip` it (recorded as skipped) or `allow` both. */
  overlap: z.enum(['skip', 'allow']).default('skip'),
  /** After an outage, fire the missed slots (at most MAX_CATCH_UP_SLOTS) instead of only the next one. */
  catchUp: z.boolean().default(false),
}).superRefine((request, ctx) => {
  if ((request.cron === undefined) === (request.everyMs === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['cron'], input: request.cron, message: 'give exactly one of "cron" or "everyMs"' });
    return;
  }
  if (request.timezone !== undefined) {
    if (request.cron === undefined) ctx.addIssue({ code: 'custom', path: ['timezone'], input: request.timezone, message: 'applies to "cron" only: leave it out with "everyMs"' });
    else if (!isTimeZone(request.timezone)) ctx.addIssue({ code: 'custom', path: ['timezone'], input: request.timezone, message: 'is not an IANA time zone such as "Europe/Paris" or "UTC"' });
  }
  if (request.cron !== undefined && (request.timezone === undefined || isTimeZone(request.timezone))) {
    const problem = cronProblem(request.cron, request.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], input: request.cron, message: `is not a valid cron expression (${problem}): use 5 fields, or 6 with seconds first` });
  }
});
export type ScheduleRequestInput = z.input<typeof scheduleRequestSchema>;
export type ScheduleRequest = z.output<typeof scheduleRequestSchema>;

/** The kind of run a target makes. */
export function targetKind(target: ScheduleTarget): ScheduleTargetKind {
  return target.job ? 'job' : target.batch ? 'batch' : 'crawl';
}

/** The data of a fire job (template data of the scheduler; manual runs add their slot). */
export interface FireJobData {
  scheduleId: string;
  /** The schedule fires its missed slots after an outage (read before claiming, see worker/src/schedules). */
  catchUp?: boolean;
  /** Manual runs (`POST /v1/schedules/:id/run`): their own slot key and time. */
  manual?: { slotKey: string; at: number };
}

/**
 * A run's id: `<tenant tag>.sr-<schedule uuid>-<slot key>`, a valid job and batch id (the
 * tenant's tag first, so `GET /v1/jobs/:id` and `/v1/batches/:id` serve it to the tenant).
 * Scheduled slots are keyed by their time (base 36), manual runs by `m` + random.
 */
export function scheduleRunId(scheduleId: string, slotKey: string): string {
  const dot = scheduleId.indexOf('.');
  const tag = scheduleId.slice(0, dot);
  const rest = scheduleId.slice(dot + 1).replace(/^sc-/, '').replaceAll('-', '');
  return `${tag}.sr-${rest}-${slotKey}`;
}

export function slotKeyOf(slotMs: number): string {
  return slotMs.toString(36);
}
