/**
 * @module worker/errors/job-errors
 * Errors about the job itself: its payload or its extraction rules cannot be run.
 */
import { NonRetryableError, RetryableError } from './retry-policy.ts';

/** `job.data` does not match `jobDataSchema` (or the job name is not its mode). */
export class InvalidJobError extends NonRetryableError {
  /** Where and what, e.g. `request.url: must be an absolute http:// or https:// URL`. */
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid job data: ${issues.slice(0, 3).join('; ')}`);
    this.issues = issues;
  }
}

/** A selector that css-what accepted but the matcher cannot run (e.g. an unsupported pseudo-class). */
export class InvalidSelectorError extends NonRetryableError {
  readonly selector: string;
  constructor(selector: string, cause: unknown) {
    super(`Selector cannot be matched: ${selector}`, { cause });
    this.selector = selector;
  }
}

/**
 * The worker handed the job back (shutdown deadline) or BullMQ cancelled it mid-run. Retryable
 * in case it escapes; the processor normally turns it into a move back to waiting.
 */
export class JobAbortedError extends RetryableError {
  constructor(cause?: unknown) {
    super('Job was aborted before it finished', { cause });
  }
}
