/**
 * @module client/problem
 * API errors as typed problem objects: the edge answers every failure with an RFC 9457
 * `application/problem+json` body (components.schemas.Problem); `unwrap` turns an openapi-fetch
 * answer into its data, or throws a QuarryProblemError that carries the problem.
 */
import type { components } from './schema.generated.ts';

export type Problem = components['schemas']['Problem'];

export class QuarryProblemError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'QuarryProblemError';
    this.status = problem.status;
    this.problem = problem;
  }
}

/** A problem from any error answer; a proxy's HTML or text error page still gives status and text. */
export function problemOf(response: Response, body: unknown): Problem {
  if (body && typeof body === 'object' && typeof (body as Problem).type === 'string' && typeof (body as Problem).status === 'number') return body as Problem;
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  const title = `HTTP ${response.status} ${response.statusText}`.trim();
  return { type: 'about:blank', title, status: response.status, detail: text || title };
}

interface Answer<T> { data?: T; error?: unknown; response: Response }

export async function unwrap<T>(answer: Promise<Answer<T>> | Answer<T>): Promise<T> {
  const { data, error, response } = await answer;
  if (!response.ok || error !== undefined) throw new QuarryProblemError(problemOf(response, error));
  return data as T;
}
