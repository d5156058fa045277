/**
 * @module dev/rest-server/auth
 * Bearer-token check for every route but the health probe, in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Returns true when an `Authorization` header carries exactly `Bearer <token>`. */
export type TokenCheck = (authorization: string | string[] | undefined) => boolean;

const BEARER = /^Bearer\s+(.+)$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Builds the check for one token. Both sides are hashed first so `timingSafeEqual` always
 * compares 32 bytes: comparing the raw strings would leak the token's length, and
 * `timingSafeEqual` throws on inputs of different lengths.
 */
export function createTokenCheck(token: string): TokenCheck {
  if (token.length === 0) throw new TypeError('The REST server needs a non-empty token');
  const expected = digest(token);
  return (authorization) => {
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    const presented = header ? BEARER.exec(header.trim())?.[1] : undefined;
    // Hash something even when no token came, so a missing header costs the same as a wrong one.
    const equal = timingSafeEqual(expected, digest(presented ?? ''));
    return equal && presented !== undefined;
  };
}
