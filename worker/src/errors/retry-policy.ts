/**
 * @module worker/errors/retry-policy
 * The base error classes whose type IS the retry policy (as in Crawlee): a processor throws
 * one, and the class alone decides whether BullMQ fails, retries, re-schedules or the worker stops.
 */
import { UnrecoverableError } from 'bullmq';

/**
 * Retrying cannot help (bad input, a 404, a body over the cap). Extends BullMQ's
 * `UnrecoverableError`, so BullMQ fails the job at once whatever attempts remain.
 */
export class NonRetryableError extends UnrecoverableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = new.target.name;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * May pass on another try (a 503, a timeout, a crashed browser): consumes an attempt and
 * BullMQ re-runs the job after the producer's backoff. Errors of no known class count as this too.
 */
export class RetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Not now, but not the job's fault (a throttled domain, a cooldown): the processor re-schedules
 * the job `retryAfterMs` later with `moveToDelayed`, which consumes no attempt. Each re-delay
 * does increment BullMQ's `attemptsStarted`, so a worker must not set `maxStartedAttempts`.
 */
export class RetryLaterError extends Error {
  /** How long to wait before the job may run again, in milliseconds. */
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
  }
}

/**
 * This worker process cannot do its work any more (no browser binary, a broken install):
 * the job goes back to waiting for a healthier worker and this one stops taking jobs.
 */
export class CriticalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** What the processor does with an error; the same table the classes above document. */
export type RetryDecision = 'fail' | 'retry' | 'retry-later' | 'critical';

/**
 * Modules that do not import these classes (the SSRF guard) mark final errors `retryable: false`;
 * undici may wrap such an error as the `cause` of its own.
 */
function declaredFinal(error: unknown): boolean {
  const final = (value: unknown) => typeof value === 'object' && value !== null && (value as { retryable?: unknown }).retryable === false;
  return final(error) || (error instanceof Error && final(error.cause));
}

export function retryDecision(error: unknown): RetryDecision {
  if (error instanceof UnrecoverableError || declaredFinal(error)) return 'fail';
  if (error instanceof RetryLaterError) return 'retry-later';
  if (error instanceof CriticalError) return 'critical';
  return 'retry';
}

/** The error BullMQ must see for a 'fail' decision: an UnrecoverableError, keeping name and message. */
export function asNonRetryable(error: unknown): NonRetryableError | UnrecoverableError {
  if (error instanceof UnrecoverableError) return error;
  const wrapped = new NonRetryableError(error instanceof Error ? error.message : String(error), { cause: error });
  if (error instanceof Error) wrapped.name = error.name;
  return wrapped;
}
