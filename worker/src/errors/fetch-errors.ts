/**
 * @module worker/errors/fetch-errors
 * Errors of fetching a page, shared by HTTP and browser mode so both fail the same way.
 */
import { NonRetryableError, RetryableError } from './retry-policy.ts';

/** Statuses that say "not now" rather than "never": timeout, too early, too many requests. */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);

/** A 4xx the target will answer again (404, 410, 401…): retrying cannot help. */
export class PermanentHttpStatusError extends NonRetryableError {
  readonly status: number;
  constructor(status: number) {
    super(`Target answered HTTP ${status}`);
    this.status = status;
  }
}

/** A 5xx, 408, 425 or 429: may pass later, retried with the job's backoff. */
export class TransientHttpStatusError extends RetryableError {
  readonly status: number;
  /** The target's `Retry-After`, in ms, when it sent one (for a future throttle to honour). */
  readonly retryAfterMs: number | undefined;
  constructor(status: number, retryAfterMs?: number) {
    super(`Target answered HTTP ${status}`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A final status of 400 or more, in either class; `httpStatusError()` picks the class. */
export type HttpStatusError = PermanentHttpStatusError | TransientHttpStatusError;

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || RETRYABLE_CLIENT_STATUSES.has(status);
}

export function httpStatusError(status: number, retryAfterMs?: number): HttpStatusError {
  return isRetryableStatus(status) ? new TransientHttpStatusError(status, retryAfterMs) : new PermanentHttpStatusError(status);
}

export function isHttpStatusError(error: unknown): error is HttpStatusError {
  return error instanceof PermanentHttpStatusError || error instanceof TransientHttpStatusError;
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The body passed the byte cap: the same page would be too large on every try. */
export class ResponseTooLargeError extends NonRetryableError {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`Response body exceeds the limit of ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
  }
}

/** The job's `timeoutMs` elapsed before the page was fetched (or rendered) in full. */
export class FetchTimeoutError extends RetryableError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, cause?: unknown) {
    super(`Fetch timed out after ${timeoutMs} ms`, { cause });
    this.timeoutMs = timeoutMs;
  }
}

/** A network failure (refused, reset, DNS): often transient. */
export class FetchFailedError extends RetryableError {
  /** The underlying error code, e.g. `ECONNREFUSED`, when there is one. */
  readonly code: string | undefined;
  constructor(code: string | undefined, cause: unknown) {
    super(`Fetch failed${code ? ` (${code})` : ''}`, { cause });
    this.code = code;
  }
}

/** The redirect chain is longer than `QUARRY_MAX_REDIRECTS` (a loop, most likely). */
export class TooManyRedirectsError extends NonRetryableError {
  readonly maxRedirects: number;
  constructor(maxRedirects: number) {
    super(`More than ${maxRedirects} redirects`);
    this.maxRedirects = maxRedirects;
  }
}

/** A redirect to something that is not an absolute http(s) URL. */
export class InvalidRedirectError extends NonRetryableError {
  constructor() {
    super('Redirect target is not an http(s) URL');
  }
}
