/**
 * @module worker/pipeline/job-context
 * What every stage of the job pipeline knows about the run it serves, built once per run by the
 * processor: the job's id, tenant and attempt, its validated options, the signal that stops it
 * (BullMQ cancel or the worker's hand-back), its deadline and a logger bound to the job.
 */
import type { Logger } from 'pino';
import type { JobData, JobRequest } from '../../../shared/job-schema.ts';

/**
 * The job's time budget (`timeoutMs`). It starts when the job is admitted (acquire stage), not
 * when the run starts: waiting for a browser page or a domain's slot is not the job's time.
 */
export interface JobDeadline {
  readonly timeoutMs: number;
  /** Milliseconds since the epoch when the time runs out; undefined until `start()`. */
  readonly at: number | undefined;
  /** Starts (or restarts) the clock now. */
  start(): void;
  /** Time left, at least 1 ms once started; the whole budget before. */
  remainingMs(): number;
}

export interface JobContext {
  readonly jobId: string;
  /** The tenant the job belongs to (signs its callback); undefined for jobs enqueued before tenants. */
  readonly tenant: string | undefined;
  /** Which attempt this run is (1 for the first); a re-delay by the politeness gate spends none. */
  readonly attempt: number;
  /** BullMQ started the job for the first time: the limiter counts it as a new arrival, not a return. */
  readonly firstStart: boolean;
  /** The job's options (what to fetch and how, what to return), defaults applied. */
  readonly options: JobRequest;
  /** The whole payload: batch, run and submitter next to the options. */
  readonly data: JobData;
  /** Aborts when BullMQ cancels the job or the worker hands it back. */
  readonly signal: AbortSignal;
  readonly deadline: JobDeadline;
  /** A child logger carrying jobId, mode and attempt. */
  readonly logger: Logger;
}

export interface JobContextInput {
  jobId: string;
  data: JobData;
  attempt: number;
  firstStart: boolean;
  signal: AbortSignal;
  logger: Logger;
}

/** A class, not an object literal with a getter: V8 builds such literals on a slow path, once per job. */
class Deadline implements JobDeadline {
  at: number | undefined = undefined;
  readonly timeoutMs: number;
  readonly #now: () => number;
  constructor(timeoutMs: number, now: () => number) {
    this.timeoutMs = timeoutMs;
    this.#now = now;
  }
  start(): void {
    this.at = this.#now() + this.timeoutMs;
  }
  remainingMs(): number {
    return this.at === undefined ? this.timeoutMs : Math.max(1, this.at - this.#now());
  }
}

export function createDeadline(timeoutMs: number, now: () => number = Date.now): JobDeadline {
  return new Deadline(timeoutMs, now);
}

export function createJobContext(input: JobContextInput): JobContext {
  const { jobId, data, attempt, firstStart, signal, logger } = input;
  return {
    jobId, attempt, firstStart, signal, logger, data,
    tenant: data.tenant,
    options: data.request,
    deadline: createDeadline(data.request.timeoutMs),
  };
}
