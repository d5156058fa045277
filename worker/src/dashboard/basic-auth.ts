/**
 * @module worker/dashboard/basic-auth
 * HTTP Basic authentication middleware for Hono that compares credentials in constant time.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { constantTimeEqual } from '../../../shared/bytes.ts';

export interface BasicAuthOptions {
  /** The one accepted user name. */
  user: string;
  /** The one accepted password. */
  password: string;
  /** Realm the browser's login prompt names. */
  realm?: string;
}

export interface BasicCredentials {
  user: string;
  password: string;
}

/** `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// Digests have one length whatever the input, so the comparison's timing reveals neither the
// expected values' lengths nor how many leading bytes matched.
const digest = (text: string): Uint8Array => createHash('sha256').update(text, 'utf8').digest();

export function basicAuth(options: BasicAuthOptions): MiddlewareHandler {
  const { user, password, realm = 'Quarry dashboard' } = { ...options };
  const expectedUser = digest(user);
  const expectedPassword = digest(password);
  const challenge = `Basic realm="${realm.replace(/["\\]/g, '')}", charset="UTF-8"`;
  return async (c, next) => {
    const given = parseBasicAuth(c.req.header('authorization'));
    // Both halves are always compared: a wrong user name takes as long as a wrong password.
    const userOk = constantTimeEqual(digest(given?.user ?? ''), expectedUser);
    const passwordOk = constantTimeEqual(digest(given?.password ?? ''), expectedPassword);
    if (given && userOk && passwordOk) return next();
    return c.text('authentication required\n', 401, { 'WWW-Authenticate': challenge });
  };
}
