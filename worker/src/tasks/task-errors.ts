/**
 * @module worker/tasks/task-errors
 * What running a task can fail with, one class per meaning; the base class is the retry policy
 * (errors/retry-policy.ts). Handlers throw the base classes themselves (re-exported by
 * `quarry/tasks`): RetryLaterError (not now, no attempt spent), NonRetryableError (fail at
 * once), RetryableError or any other error (retry with backoff while attempts remain).
 */
import { NonRetryableError, RetryableError, RetryLaterError } from '../errors/retry-policy.ts';

/** The job names a task this worker has not loaded (QUARRY_TASKS differs across the fleet, or a typo in a child). */
export class UnknownTaskError extends NonRetryableError {
  constructor(task: string) {
    super(`No task "${task}" is loaded by this worker (QUARRY_TASKS)`);
  }
}

/** The input does not match the task's schema (the edge checks it first; children and old jobs are checked here). */
export class InvalidTaskInputError extends NonRetryableError {
  readonly issues: string[];
  constructor(task: string, issues: string[]) {
    super(`Invalid input for task "${task}": ${issues.slice(0, 3).join('; ')}`);
    this.issues = issues;
  }
}

/** The handler ran past the task's timeoutMs; its signal was aborted. Retried while attempts remain. */
export class TaskTimeoutError extends RetryableError {
  readonly timeoutMs: number;
  constructor(task: string, timeoutMs: number) {
    super(`Task "${task}" did not finish within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** The task's fleet-wide rateLimit has no slot now: the job comes back at the one reserved for it. */
export class TaskThrottledError extends RetryLaterError {
  constructor(task: string, retryAfterMs: number) {
    super(`Task "${task}" is at its rate limit; runs again in ${Math.ceil(retryAfterMs)} ms`, retryAfterMs);
  }
}

/** The handler returned something that is not JSON (a function, a cycle, a BigInt) or that passes QUARRY_MAX_RESULT_BYTES. */
export class TaskResultError extends NonRetryableError {}

/** A capability the task's mode does not have (ctx.page in http mode), or a bad child spec. */
export class TaskUsageError extends NonRetryableError {}
