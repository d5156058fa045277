/**
 * @module worker/processor
 * The BullMQ processor: parse the job, fetch or render by mode, extract, store the result,
 * and turn the error classes into BullMQ moves (fail, retry, re-delay, hand back).
 */
import { DelayedError, WaitingError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { jobDataSchema, normalizeExtract, type JobData } from '../../shared/job-schema.ts';
import type { JobResult } from '../../shared/job-result.ts';
import type { PageRenderer } from './browser/page-renderer.ts';
import type { HandBack } from './hand-back.ts';
import { InvalidJobError, RetryLaterError, asNonRetryable, retryDecision, type CriticalError } from './errors/index.ts';
import { extractFromHtml, notExtracted } from './extract/extract-fields.ts';
import type { FetchedPage, HttpFetcher } from './http/http-fetcher.ts';
import { loggableUrl } from './logger.ts';
import type { GatePass, PolitenessGate } from './politeness-gate.ts';
import type { ResultStore } from './result-store.ts';

/** What the job returns to BullMQ (kept small: the full result lives in the result store). */
export interface JobSummary {
  status: number;
  finalUrl: string;
  title: string | null;
  durationMs: number;
  attempt: number;
}

export interface ProcessorOptions {
  fetcher: HttpFetcher;
  renderer: PageRenderer;
  resultStore: ResultStore;
  logger: Logger;
  /** Aborted when the worker hands its active jobs back to waiting (shutdown deadline passed). */
  handBack: AbortSignal;
  /** Called once per `CriticalError`; the worker stops taking jobs. */
  onCritical?: (error: CriticalError) => void;
  /** Sees every job while it runs, so the worker can hand back jobs whose processor is stuck. */
  track?: (job: Job, token: string | undefined) => () => void;
  /** Robots, per-domain limits and cooldowns around each fetch; none when omitted. */
  politeness?: PolitenessGate;
  /** Moves an active job back to waiting and wakes idle workers (hand-back.ts). */
  handBackJob: HandBack;
  /** Largest extraction result in bytes (QUARRY_MAX_RESULT_BYTES); past it the job fails without a retry. */
  maxResultBytes?: number;
  /** After the result is stored: batch counters, the result callback. Must be idempotent per job id. */
  onCompleted?: (job: Job, data: JobData, result: JobResult) => Promise<void>;
}

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
  const { fetcher, renderer, resultStore, logger, handBack, handBackJob, onCritical, track, onCompleted, politeness, maxResultBytes } = { ...options };

  /**
   * A result under this job id means an earlier run fetched the page and stored it, then died or
   * failed before BullMQ recorded the finish (a SIGKILL, a broker restart): finish from it
   * instead of fetching the page again. Only successes store results, so a job retried after a
   * failure never takes this path.
   */
  async function finishFromStored(job: Job, data: JobData): Promise<JobSummary | undefined> {
    // One GET: a miss (every first run) costs what an EXISTS would, and a hit needs the value.
    const stored = await resultStore.get(job.id!);
    if (!stored) return undefined;
    await onCompleted?.(job, data, stored);
    return summaryOf(stored);
  }

  async function run(job: Job, data: JobData, attempt: number, signal: AbortSignal): Promise<JobSummary> {
    const { request } = data;
    const earlier = await finishFromStored(job, data);
    if (earlier) return earlier;
    const started = performance.now();
    const fetchedAt = new Date().toISOString();
    // The pass is taken right before the request: robots and slot first, nothing slow after. A
    // browser job takes it once a page is free (render's `admit`): its slot is not spent waiting
    // for a page, and its timeout starts there. Later hops (a redirect, a script's navigation)
    // pass the gate for their own site too.
    const gate: { pass?: GatePass } = {};
    const admit = politeness ? async () => { gate.pass = await politeness.enter(job.id!, request, job.attemptsStarted === 1); } : undefined;
    const hop = politeness ? (url: URL) => gate.pass!.hop(url) : undefined;
    let page: FetchedPage;
    try {
      if (request.mode === 'browser') {
        page = await renderer.render({ url: request.url, timeoutMs: request.timeoutMs, waitFor: request.waitFor, signal, ...(admit && hop ? { admit, onNavigation: hop } : {}) });
      } else {
        await admit?.();
        page = await fetcher.fetch(request.url, { timeoutMs: request.timeoutMs, signal, urlChecked: gate.pass?.urlChecked ?? false, ...(hop ? { onRedirect: hop } : {}) });
      }
    } catch (error) {
      throw gate.pass && politeness ? await politeness.onError(gate.pass, error) : error;
    } finally {
      await gate.pass?.release();
    }
    const rules = normalizeExtract(request.extract);
    // Yields to the event loop while it runs and stops at the result cap or the work budget.
    const { title, extract } = page.html === null ? notExtracted(rules) : await extractFromHtml(page.html, rules, maxResultBytes === undefined ? {} : { maxResultBytes });
    const durationMs = Math.round(performance.now() - started);
    const result: JobResult = {
      url: request.url, finalUrl: page.finalUrl, httpStatus: page.status, title, extract,
      fetchedAt, durationMs, mode: request.mode, attempt,
    };
    await resultStore.put(job.id!, result);
    await onCompleted?.(job, data, result);
    return summaryOf(result);
  }

  return async function processJob(job, token, bullSignal) {
    const attempt = job.attemptsMade + 1;
    const log = logger.child({ jobId: job.id, mode: job.name, attempt });
    const untrack = track?.(job, token) ?? (() => undefined);
    const signal = bullSignal ? AbortSignal.any([bullSignal, handBack]) : handBack;
    try {
      const data = parseJobData(job);
      log.debug({ url: loggableUrl(data.request.url) }, 'job started');
      const summary = await run(job, data, attempt, signal);
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
