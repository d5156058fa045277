/**
 * @module edge/auth/api-keys
 * API keys from the `API_KEYS` secret: `sha256:<hex>` entries (production) or plaintext
 * (local `.dev.vars`), verified by comparing SHA-256 digests in constant time.
 */
import { constantTimeEqual, fromHex, toHex } from '../../../shared/bytes.ts';

/** What a key may do. `enqueue`: create, cancel and retry jobs; `read`: read jobs and batches; `admin`: domain limits; `robots:ignore`: set `ignoreRobots`. */
export const SCOPES = ['enqueue', 'read', 'admin', 'robots:ignore'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyEntry {
  /** SHA-256 of the key. */
  digest: Uint8Array;
  /** Non-secret id for logs and job metadata: the first 12 hex chars of the digest. */
  id: string;
  scopes: ReadonlySet<Scope>;
}

export class InvalidApiKeyEntryError extends Error {
  override name = 'InvalidApiKeyEntryError';
}

const encoder = new TextEncoder();
const HASHED = /^sha256:([0-9a-f]{64})$/i;

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/**
 * `API_KEYS` is a comma-separated list of `<key>[#scope+scope…]`, where `<key>` is
 * `sha256:<hex>` (production: only the hash is stored) or the key itself (local `.dev.vars`).
 * An entry without scopes gets `enqueue+read` (not admin); e.g. `sha256:ab…#enqueue+read+admin`.
 */
export async function parseApiKeys(raw: string): Promise<ApiKeyEntry[]> {
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  return Promise.all(entries.map(async (entry) => {
    const [key = '', scopeList] = entry.split('#', 2);
    const hashed = HASHED.exec(key);
    const digest = hashed ? fromHex(hashed[1]!)! : await sha256(key);
    const names = scopeList === undefined ? ['enqueue', 'read'] : scopeList.split('+').filter(Boolean);
    for (const name of names) {
      if (!(SCOPES as readonly string[]).includes(name)) throw new InvalidApiKeyEntryError(`API_KEYS has an unknown scope "${name}" (known: ${SCOPES.join(', ')})`);
    }
    return { digest, id: toHex(digest).slice(0, 12), scopes: new Set(names as Scope[]) };
  }));
}

/** Returns the matching entry; every entry is compared so the time does not depend on which matched. */
export async function verifyApiKey(keys: readonly ApiKeyEntry[], presented: string): Promise<ApiKeyEntry | undefined> {
  const digest = await sha256(presented);
  let match: ApiKeyEntry | undefined;
  for (const key of keys) {
    if (constantTimeEqual(key.digest, digest)) match = key;
  }
  return match;
}
