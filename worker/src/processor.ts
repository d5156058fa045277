/**
 * @module worker/processor
 * The BullMQ processor: parse the job's data, build its JobContext, run the job pipeline
 * (pipeline/job-pipeline.ts) and turn the error classes into BullMQ moves (fail, retry,
 * re-delay, hand back). Everything about scraping lives in the pipeline.
 */
import { DelayedError, WaitingError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { jobDataSchema, type JobData } from '../../shared/job-schema.ts';
import type { JobResult } from '../../shared/job-result.ts';
import type { HandBack } from './hand-back.ts';
import { InvalidJobError, RetryLaterError, asNonRetryable, retryDecision, type CriticalError } from './errors/index.ts';
import { loggableUrl } from './logger.ts';
import { createJobContext } from './pipeline/job-context.ts';
import type { JobPipeline } from './pipeline/job-pipeline.ts';

/** What the job returns to BullMQ (kept small: the full result lives in the result store). */
export interface JobSummary {
  status: number;
  finalUrl: string;
  title: string | null;
  durationMs: number;
  attempt: number;
}

export interface ProcessorOptions {
  /** The work of one run, from the gate to the effects. */
  pipeline: JobPipeline;
  logger: Logger;
  /** Aborted when the worker hands its active jobs back to waiting (shutdown deadline passed). */
  handBack: AbortSignal;
  /** Called once per `CriticalError`; the worker stops taking jobs. */
  onCritical?: (error: CriticalError) => void;
  /** Sees every job while it runs, so the worker can hand back jobs whose processor is stuck. */
  track?: (job: Job, token: string | undefined) => () => void;
  /** Moves an active job back to waiting and wakes idle workers (hand-back.ts). */
  handBackJob: HandBack;
  /**
   * Jobs that are not scrapes, by BullMQ job name (a crawl's seed job: worker/src/crawls/).
   * They get the same error-to-move mapping, hand-back and tracking as scrapes.
   */
  otherJobs?: Readonly<Record<string, OtherJob>>;
}

/** Runs a job that is not a scrape; its data is its own (validated by the runner). */
export type OtherJob = (job: Job, run: { attempt: number; signal: AbortSignal; logger: Logger }) => Promise<JobSummary>;

/** The summary BullMQ keeps of a stored result. */
function summaryOf(result: JobResult): JobSummary {
  return { status: result.httpStatus, finalUrl: result.finalUrl, title: result.title, durationMs: result.durationMs, attempt: result.attempt };
}

export type QuarryProcessor = (job: Job, token?: string, signal?: AbortSignal) => Promise<JobSummary>;

/** Validates `job.data`; a job whose name is not its request's mode is as invalid as bad data. */
export function parseJobData(job: Pick<Job, 'data' | 'name'>): JobData {
  const parsed = jobDataSchema.safeParse(job.data);
  if (!parsed.success) {
    throw new InvalidJobError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`));
  }
  if (job.name !== parsed.data.request.mode) {
    throw new InvalidJobError([`name: job name "${job.name}" is not request.mode "${parsed.data.request.mode}"`]);
  }
  return parsed.data;
}

export function createProcessor(options: ProcessorOptions): QuarryProcessor {
  const { pipeline, logger, handBack, handBackJob, onCritical, track, otherJobs = {} } = { ...options };

  return async function processJob(job, token, bullSignal) {
    const attempt = job.attemptsMade + 1;
    const log = logger.child({ jobId: job.id, mode: job.name, attempt });
    const untrack = track?.(job, token) ?? (() => undefined);
    const signal = bullSignal ? AbortSignal.any([bullSignal, handBack]) : handBack;
    try {
      const other = Object.hasOwn(otherJobs, job.name) ? otherJobs[job.name] : undefined;
      if (other) return await other(job, { attempt, signal, logger: log });
      const data = parseJobData(job);
      log.debug({ url: loggableUrl(data.request.url) }, 'job started');
      const ctx = createJobContext({ jobId: job.id!, data, attempt, firstStart: job.attemptsStarted === 1, signal, logger: log });
      const summary = summaryOf(await pipeline(ctx));
      log.info({ status: summary.status, durationMs: summary.durationMs }, 'job completed');
      return summary;
    } catch (error) {
      const decision = retryDecision(error);
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // A job interrupted by the hand-back goes to waiting with its attempt unspent,
      // unless it failed for a reason of its own that no retry can fix.
      if ((handBack.aborted && decision !== 'fail') || decision === 'critical') {
        if (decision === 'critical') onCritical?.(error as CriticalError);
        await handBackJob(job, token);
        log.warn({ reason }, 'job handed back to waiting');
        throw new WaitingError();
      }
      if (decision === 'retry-later') {
        const { retryAfterMs } = error as RetryLaterError;
        await job.moveToDelayed(Date.now() + retryAfterMs, token);
        log.info({ reason, retryAfterMs }, 'job re-scheduled');
        throw new DelayedError();
      }
      const willRetry = decision === 'retry' && attempt < (job.opts.attempts ?? 1);
      log.warn({ reason, decision, willRetry }, 'job attempt failed');
      throw decision === 'fail' ? asNonRetryable(error) : error;
    } finally {
      untrack();
    }
  };
}
