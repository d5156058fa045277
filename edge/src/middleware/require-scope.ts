/**
 * @module edge/middleware/require-scope
 * Route-level authorization: the authenticated key must hold the scope the route needs.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Scope } from '../auth/api-keys.ts';
import { HttpProblem } from '../problems/http-problem.ts';

export class ForbiddenProblem extends HttpProblem {
  constructor(scope: Scope) {
    super({ status: 403, slug: 'forbidden', title: 'Forbidden', detail: `This API key lacks the "${scope}" scope: use a key whose API_KEYS entry ends in #…+${scope}.`, extensions: { scope } });
  }
}

export function hasScope(scopes: ReadonlySet<Scope> | undefined, scope: Scope): boolean {
  return scopes?.has(scope) ?? false;
}

/** By method: reads need `read`, writes need `write` (default `enqueue`). */
export function requireScope(options: { read?: Scope; write?: Scope } = {}): MiddlewareHandler<AppEnv> {
  const { read = 'read', write = 'enqueue' } = { ...options };
  return async (c, next) => {
    const scope = c.req.method === 'GET' || c.req.method === 'HEAD' ? read : write;
    if (!hasScope(c.get('scopes'), scope)) throw new ForbiddenProblem(scope);
    await next();
  };
}
