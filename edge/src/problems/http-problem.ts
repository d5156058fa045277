/**
 * @module edge/problems/http-problem
 * The base of every error the API answers with: an RFC 9457 `application/problem+json` body.
 */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Field-level issues (validation), each naming the field and what to fix. */
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

export interface ProblemFieldError {
  /** JSON path of the offending field, e.g. `extract.price` or `url`. */
  path: string;
  message: string;
}

/** Thrown anywhere in a request; the error handler renders it. One subclass per failure meaning. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(init: { status: number; slug: string; title: string; detail: string; headers?: Record<string, string>; extensions?: Record<string, unknown> }) {
    super(init.detail);
    this.name = new.target.name;
    this.status = init.status;
    this.type = `urn:quarry:problem:${init.slug}`;
    this.title = init.title;
    this.headers = init.headers ?? {};
    this.extensions = init.extensions ?? {};
  }

  toBody(): ProblemBody {
    return { type: this.type, title: this.title, status: this.status, detail: this.message, ...this.extensions };
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.toBody()), {
      status: this.status,
      headers: { 'content-type': 'application/problem+json', ...this.headers },
    });
  }
}
