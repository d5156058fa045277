/**
 * @module cli/errors
 * Typed CLI failures, each carrying the exit code it ends the process with.
 */

/** Exit codes, documented in `quarry --help`. */
export const EXIT = {
  ok: 0,
  /** A job (or a job of a batch) failed. */
  jobsFailed: 1,
  /** Bad input: usage, a missing key, an invalid item, or a 4xx answer from the API. */
  rejected: 2,
  /** The API could not be reached (connection refused, DNS, timeout). */
  unreachable: 3,
  /** The API answered with a 5xx: retry later. */
  serverError: 4,
} as const;

/** Base of every error the CLI reports as `error: <message>` followed by indented details. */
export class CliError extends Error {
  readonly exitCode: number;
  /** Extra lines (field errors, hints), printed indented under the message. */
  readonly details: string[];

  constructor(message: string, exitCode: number, details: string[] = []) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** A flag or argument that cannot be used as given. */
export class UsageError extends CliError {
  constructor(message: string, details: string[] = []) {
    super(message, EXIT.rejected, details);
  }
}

export class MissingApiKeyError extends UsageError {
  constructor() {
    super('no API key: pass --api-key <key> or set the QUARRY_API_KEY environment variable');
  }
}

/** A field-level issue as the API reports it in `errors` (`path` like `urls.3.url`). */
export interface FieldError {
  path: string;
  message: string;
}

/** A non-2xx answer, usually an `application/problem+json` body. */
export class ApiProblemError extends CliError {
  readonly status: number;
  readonly fieldErrors: FieldError[];

  constructor(status: number, detail: string, fieldErrors: FieldError[] = [], describe: (error: FieldError) => string = (e) => `${e.path}: ${e.message}`) {
    super(detail, status >= 500 ? EXIT.serverError : EXIT.rejected, fieldErrors.map(describe));
    this.status = status;
    this.fieldErrors = fieldErrors;
  }

  /** The same problem with field errors described differently (e.g. by line of the input file). */
  describedBy(describe: (error: FieldError) => string): ApiProblemError {
    return new ApiProblemError(this.status, this.message, this.fieldErrors, describe);
  }
}

/** The request never got an HTTP answer; names the endpoint so a wrong URL is obvious. */
export class NetworkError extends CliError {
  constructor(endpoint: string, cause: unknown) {
    super(`cannot reach the Quarry API at ${endpoint} (${describeCause(cause)}): check --endpoint or QUARRY_URL`, EXIT.unreachable);
  }
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer before the timeout';
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}
