/**
 * @module edge/problems/problems
 * One problem class per failure meaning the API reports. Messages tell the caller what to fix.
 */
import { HttpProblem, type ProblemFieldError } from './http-problem.ts';

export class ValidationProblem extends HttpProblem {
  readonly errors: ProblemFieldError[];
  constructor(errors: ProblemFieldError[]) {
    const first = errors[0];
    const summary = first ? `${first.path || 'body'}: ${first.message}` : 'the request is invalid';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super({ status: 400, slug: 'validation', title: 'Invalid request', detail: `Fix the request body: ${summary}${more}.`, extensions: { errors } });
    this.errors = errors;
  }
}

export class MalformedJsonProblem extends HttpProblem {
  constructor() {
    super({ status: 400, slug: 'malformed-json', title: 'Malformed JSON', detail: 'The body is not valid JSON: send a JSON object such as {"url":"https://example.com/"}.' });
  }
}

export class UnsupportedMediaTypeProblem extends HttpProblem {
  constructor(received: string | undefined) {
    super({ status: 415, slug: 'unsupported-media-type', title: 'Unsupported media type', detail: `Send the body as application/json (got ${received ? `"${received}"` : 'no Content-Type'}).` });
  }
}

export class PayloadTooLargeProblem extends HttpProblem {
  constructor(maxBytes: number) {
    super({ status: 413, slug: 'payload-too-large', title: 'Payload too large', detail: `The body exceeds ${maxBytes} bytes: send a smaller request.`, extensions: { maxBytes } });
  }
}

export class UnauthorizedProblem extends HttpProblem {
  constructor(reason: 'missing' | 'invalid') {
    const detail = reason === 'missing'
      ? 'Send your API key as "Authorization: Bearer <key>".'
      : 'The API key is not valid: check the key you send in "Authorization: Bearer <key>".';
    super({ status: 401, slug: 'unauthorized', title: 'Unauthorized', detail, headers: { 'www-authenticate': 'Bearer realm="quarry"' } });
  }
}

export class NotFoundProblem extends HttpProblem {
  constructor(detail: string) {
    super({ status: 404, slug: 'not-found', title: 'Not found', detail });
  }
}

export class MethodNotAllowedProblem extends HttpProblem {
  constructor(method: string, path: string) {
    super({ status: 405, slug: 'method-not-allowed', title: 'Method not allowed', detail: `${method} is not supported on ${path}.` });
  }
}

/** The broker could not be reached: nothing was stored, the caller should retry later. */
export class BrokerUnavailableProblem extends HttpProblem {
  constructor(retryAfterSeconds = 5) {
    super({
      status: 503, slug: 'broker-unavailable', title: 'Queue unavailable',
      detail: `The job queue is unreachable, nothing was enqueued: retry after ${retryAfterSeconds} seconds.`,
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

/** Server misconfiguration (a missing secret, a bad variable): the operator must fix it. */
export class MisconfiguredProblem extends HttpProblem {
  constructor(detail: string) {
    super({ status: 500, slug: 'misconfigured', title: 'Server misconfigured', detail });
  }
}

export class InternalProblem extends HttpProblem {
  constructor() {
    super({ status: 500, slug: 'internal', title: 'Internal error', detail: 'An unexpected error occurred; it has been logged. Retry, and report it if it persists.' });
  }
}

/** The job is in a state where the action does not apply. */
export class JobStateConflictProblem extends HttpProblem {
  constructor(detail: string, state: string) {
    super({ status: 409, slug: 'job-state-conflict', title: 'Job state conflict', detail, extensions: { state } });
  }
}

export class InvalidQueryProblem extends HttpProblem {
  constructor(parameter: string, message: string) {
    super({ status: 400, slug: 'invalid-query', title: 'Invalid query parameter', detail: `Fix the "${parameter}" query parameter: ${message}.`, extensions: { errors: [{ path: parameter, message }] } });
  }
}
