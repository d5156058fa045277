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

/**
 * A problem from any error answer: the body's own fields when it is a JSON object, else the status
 * line (a proxy's HTML error page says nothing a caller can act on).
 */
export function problemOf(response: Response, body: unknown): Problem {
  const fields = body !== null && typeof body === 'object' ? (body as Partial<Problem>) : {};
  const title = typeof fields.title === 'string' ? fields.title : `HTTP ${response.status} ${response.statusText}`.trim();
  return {
    ...fields,
    type: typeof fields.type === 'string' ? fields.type : 'about:blank',
    title,
    status: response.status,
    detail: typeof fields.detail === 'string' ? fields.detail : title,
  };
}

interface Answer<T> { data?: T; error?: unknown; response: Response }

export async function unwrap<T>(answer: Promise<Answer<T>> | Answer<T>): Promise<T> {
  const { data, error, response } = await answer;
  if (!response.ok || error !== undefined) throw new QuarryProblemError(problemOf(response, error));
  return data as T;
}
