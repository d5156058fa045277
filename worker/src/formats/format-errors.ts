/**
 * @module worker/formats/format-errors
 * Why a format could not be computed. Both are the page's fault, not the fetch's: retrying the
 * same page cannot help, so they fail the job (NonRetryableError) with a message that says why.
 */
import { NonRetryableError, RetryableError } from '../errors/retry-policy.ts';

/** The HTML is larger than a format converts (`QUARRY_FORMAT_MAX_HTML_BYTES`). */
export class FormatInputTooLargeError extends NonRetryableError {
  readonly bytes: number;
  readonly maxBytes: number;
  constructor(format: string, bytes: number, maxBytes: number) {
    super(`The page's HTML (${bytes} bytes) is over the ${maxBytes} bytes the "${format}" format converts (QUARRY_FORMAT_MAX_HTML_BYTES)`);
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}

/**
 * Elements nest deeper than a format follows. htmlparser2 keeps its open elements in an array it
 * unshifts, which turns quadratic past ~10,000 levels (measured: 100,000 nested divs, 1.1 MB,
 * took 4–7 s); Chromium's own parser stops nesting at 512.
 */
export class FormatInputTooDeepError extends NonRetryableError {
  readonly maxDepth: number;
  constructor(format: string, maxDepth: number) {
    super(`The page nests elements deeper than ${maxDepth} levels, more than the "${format}" format follows`);
    this.maxDepth = maxDepth;
  }
}

/** The live page did not give its screenshot or PDF within the job's time left: another attempt may. */
export class CaptureTimeoutError extends RetryableError {
  readonly timeoutMs: number;
  constructor(format: string, timeoutMs: number) {
    super(`The "${format}" capture did not finish within the ${timeoutMs} ms the job had left`);
    this.timeoutMs = timeoutMs;
  }
}

/** A browser format ran without the live page (a worker bug, or a job that reached it in http mode). */
export class NoLivePageError extends NonRetryableError {
  constructor(format: string) {
    super(`The "${format}" format needs the live browser page: only jobs in mode "browser" can ask for it`);
  }
}
