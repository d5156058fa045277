/**
 * @module edge/middleware/api-key-auth
 * Bearer API-key authentication for `/v1/*`.
 */
import type { MiddlewareHandler } from 'hono';
import { parseApiKeys, verifyApiKey, type ApiKeyEntry } from '../auth/api-keys.ts';
import type { AppEnv } from '../app-env.ts';
import { MisconfiguredProblem, UnauthorizedProblem } from '../problems/problems.ts';

export interface ApiKeyAuthOptions {
  /** Reads the raw `API_KEYS` value for this request (a binding). */
  keys: (env: Env) => string;
}

const parsedKeys = new Map<string, Promise<ApiKeyEntry[]>>();

function keysFor(raw: string): Promise<ApiKeyEntry[]> {
  let parsed = parsedKeys.get(raw);
  if (!parsed) {
    parsed = parseApiKeys(raw).catch((error: unknown) => {
      parsedKeys.delete(raw);
      throw new MisconfiguredProblem(`API_KEYS is invalid: ${(error as Error).message}.`);
    });
    parsedKeys.set(raw, parsed);
  }
  return parsed;
}

export function apiKeyAuth(options: ApiKeyAuthOptions): MiddlewareHandler<AppEnv> {
  const { keys } = { ...options };
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedProblem('missing');
    const entry = await verifyApiKey(await keysFor(keys(c.env)), match[1]!);
    if (!entry) throw new UnauthorizedProblem('invalid');
    c.set('apiKeyId', entry.id);
    c.set('scopes', entry.scopes);
    c.set('tenant', entry.tenant);
    await next();
  };
}
