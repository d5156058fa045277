/**
 * @module worker/schedules/run-enqueue
 * Adds one run of a schedule as the normal job, batch or crawl its target describes, under ids made
 * from the schedule and the slot (shared/schedules/schedule-schema.ts `scheduleRunId`): adding
 * a run again (its fire job ran twice) names the same jobs, which BullMQ stores once.
 *
 * The options match what the edge gives a job (jobs/enqueue/job-options.ts): attempts from the
 * request, exponential backoff with jitter from the edge's QUARRY_BACKOFF_MS, retention from
 * QUARRY_KEEP_*; the edge stored those values with the schedule (`runOptions`).
 *
 * A batch run writes its record before its jobs (as the edge's ledger does, so no worker's
 * count is lost): `items` = `total` = its URLs (a scheduled run's items never match another
 * job: idempotency keys and dedupe windows are refused on targets), written with HSETNX so a
 * repeated run does not reset counters. Cost: job run 1 add-job script; batch run 1 MULTI of
 * 5 HSETNX + EXPIRE, then BullMQ's addBulk (one script per item, pipelined in chunks of 1,000).
 * A crawl run is created exactly as `POST /v1/crawls` creates one (shared/crawls/crawl-create.ts,
 * the crawl-create script: record and seed job, or nothing when the crawl id exists): 1 EVALSHA.
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BATCH_TTL_SECONDS, batchKey } from '../../../shared/batch-keys.ts';
import type { CanonicalUrlOptions } from '../../../shared/canonical-url.ts';
import { CRAWL_SCRIPTS, crawlRequestSchema, planCrawlCreate, type CrawlRequest } from '../../../shared/crawls/index.ts';
import { domainKey } from '../../../shared/domain-key.ts';
import { jobRequestSchema, type JobData, type JobRequest } from '../../../shared/job-schema.ts';
import type { ScheduleRequest } from '../../../shared/schedules/schedule-schema.ts';
import { runScript } from '../politeness/run-script.ts';
import { InvalidScheduleError } from './schedule-errors.ts';

export interface RunOptions {
  backoffMs: number;
  keepCompleted: { count: number; age: number };
  keepFailed: { count: number; age: number };
  /** The edge's crawl settings (QUARRY_CANONICAL_*, QUARRY_CRAWL_WINDOW, QUARRY_CRAWL_MAX_DISCOVERED). */
  canonical?: CanonicalUrlOptions;
  crawlWindow?: number;
  crawlMaxDiscovered?: number;
}

export interface RunContext {
  scheduleId: string;
  runId: string;
  def: ScheduleRequest;
  runOptions: RunOptions;
  tenant: string | undefined;
  submittedBy: string | undefined;
  now: number;
}

const BULK_CHUNK = 1000;

function parseRequest(ctx: RunContext, value: unknown): JobRequest {
  const parsed = jobRequestSchema.safeParse(value);
  if (!parsed.success) throw new InvalidScheduleError(ctx.scheduleId, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return parsed.data;
}

/** BullMQ's stored options of a run's job, as the edge's buildJobOptions makes them. */
function jobOptions(ctx: RunContext, request: JobRequest, jobId: string) {
  const { runOptions } = ctx;
  return {
    attempts: request.attempts,
    jobId,
    backoff: { type: 'exponential', delay: runOptions.backoffMs, jitter: 0.5 },
    removeOnComplete: runOptions.keepCompleted,
    removeOnFail: runOptions.keepFailed,
    ...(request.delayMs > 0 ? { delay: request.delayMs } : {}),
    ...(request.priority > 0 ? { priority: request.priority } : {}),
  };
}

function jobEntry(ctx: RunContext, request: JobRequest, jobId: string, batchId?: string) {
  const data: JobData & { scheduleId: string } = { request, acceptedAt: ctx.now, scheduleId: ctx.scheduleId };
  if (ctx.submittedBy) data.submittedBy = ctx.submittedBy;
  if (ctx.tenant) data.tenant = ctx.tenant;
  if (batchId) data.batchId = batchId;
  try {
    data.domain = domainKey(request.url);
  } catch {
    // a URL the pipeline refuses anyway: it never reserves a domain slot
  }
  return { name: request.mode, data, opts: jobOptions(ctx, request, jobId) };
}

const CRAWL_CREATE = { ...CRAWL_SCRIPTS.create, sha: createHash('sha1').update(CRAWL_SCRIPTS.create.content).digest('hex') };

async function createCrawlRun(broker: Redis, prefix: string, ctx: RunContext, request: CrawlRequest): Promise<void> {
  const { runOptions } = ctx;
  const plan = planCrawlCreate({
    prefix, crawlId: ctx.runId, request, tenant: ctx.tenant ?? '', submittedBy: ctx.submittedBy ?? '',
    canonical: runOptions.canonical ?? {}, defaultWindow: runOptions.crawlWindow ?? 50, maxDiscovered: runOptions.crawlMaxDiscovered ?? 2_000_000,
    jobOptions: (jobRequest, jobId) => jobOptions(ctx, jobRequest, jobId),
    now: ctx.now,
  });
  await runScript(broker, CRAWL_CREATE, plan.keys, plan.argv);
}

export async function enqueueRun(broker: Redis, scrape: Queue, prefix: string, ctx: RunContext): Promise<void> {
  const { target } = ctx.def;
  if (target.job) {
    const entry = jobEntry(ctx, parseRequest(ctx, target.job), ctx.runId);
    await scrape.add(entry.name, entry.data, entry.opts);
    return;
  }
  if (target.crawl) {
    const parsed = crawlRequestSchema.safeParse(target.crawl);
    if (!parsed.success) throw new InvalidScheduleError(ctx.scheduleId, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    await createCrawlRun(broker, prefix, ctx, parsed.data);
    return;
  }
  if (!target.batch) throw new InvalidScheduleError(ctx.scheduleId, 'its target is neither a job, a batch nor a crawl');
  const { urls, defaults = {} } = target.batch;
  const requests = urls.map((url) => parseRequest(ctx, { ...defaults, url }));
  const record = batchKey(prefix, ctx.runId);
  const tx = broker.multi();
  for (const [field, value] of Object.entries({ items: requests.length, total: requests.length, deduplicated: 0, createdAt: ctx.now, submittedBy: ctx.submittedBy ?? '' })) {
    tx.hsetnx(record, field, value);
  }
  tx.expire(record, BATCH_TTL_SECONDS);
  await tx.exec();
  for (let start = 0; start < requests.length; start += BULK_CHUNK) {
    const chunk = requests.slice(start, start + BULK_CHUNK).map((request, i) => jobEntry(ctx, request, `${ctx.runId}-${start + i}`, ctx.runId));
    await scrape.addBulk(chunk);
  }
}
