/**
 * @module edge/middleware/api-key-auth
 * Bearer API-key authentication for `/v1/*`.
 */
import type { MiddlewareHandler } from 'hono';
import { parseApiKeys, verifyApiKey, type ApiKeyEntry } from '../auth/api-keys.ts';
import { UnauthorizedProblem } from '../problems/problems.ts';

export interface ApiKeyAuthOptions {
  /** Reads the raw `API_KEYS` value for this request (a binding). */
  keys: (env: Env) => string;
}

const parsedKeys = new Map<string, Promise<ApiKeyEntry[]>>();

function keysFor(raw: string): Promise<ApiKeyEntry[]> {
  let parsed = parsedKeys.get(raw);
  if (!parsed) {
    parsed = parseApiKeys(raw);
    parsedKeys.set(raw, parsed);
  }
  return parsed;
}

export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler<{ Bindings: Env; Variables: { apiKeyId: string } }> {
  const { keys } = { ...options };
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedProblem('missing');
    const entry = await verifyApiKey(await keysFor(keys(c.env)), match[1]!);
    if (!entry) throw new UnauthorizedProblem('invalid');
    c.set('apiKeyId', entry.id);
    await next();
  };
}
