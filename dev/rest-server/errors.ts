/**
 * @module dev/rest-server/errors
 * Typed errors of the REST server, each carrying the HTTP status it answers with, and the
 * split between "Redis said no" (a reply error) and "Redis could not be reached".
 */

/** Base class: `status` is the HTTP status, `message` goes to the client as `{error}`. */
export class RestError extends Error {
  override name = 'RestError';
  readonly status: number;

  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** Malformed JSON, wrong body shape, or a command this server refuses (400). */
export class BadRequestError extends RestError {
  override name = 'BadRequestError';
  constructor(message: string) {
    super(400, message);
  }
}

/** Missing or wrong bearer token (401). */
export class UnauthorizedError extends RestError {
  override name = 'UnauthorizedError';
  constructor(message = 'Unauthorized') {
    super(401, message);
  }
}

/** Body over the configured limit (413). */
export class PayloadTooLargeError extends RestError {
  override name = 'PayloadTooLargeError';
  constructor(limitBytes: number) {
    super(413, `Request body is larger than ${limitBytes} bytes`);
  }
}

/** Redis is down, reconnecting or too slow (503): the caller may retry later. */
export class RedisUnavailableError extends RestError {
  override name = 'RedisUnavailableError';
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(503, `Redis is unavailable: ${detail}`, { cause });
  }
}

/**
 * True for an error reply from Redis (`-ERR ...`, `-WRONGTYPE ...`, `-NOSCRIPT ...`), as opposed
 * to a connection failure, a timeout or ioredis giving up. Checked by name as well as class so
 * that a second copy of `redis-errors` in node_modules cannot turn reply errors into 503s.
 */
export function isRedisReplyError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  return error.name === 'ReplyError' || error.constructor.name === 'ReplyError';
}
