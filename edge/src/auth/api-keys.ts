/**
 * @module edge/auth/api-keys
 * API keys from the `API_KEYS` secret: `sha256:<hex>` entries (production) or plaintext
 * (local `.dev.vars`), verified by comparing SHA-256 digests in constant time. Each key
 * belongs to a tenant (shared/tenant.ts): its own, or the one its entry names.
 */
import { constantTimeEqual, fromHex, toHex } from '../../../shared/bytes.ts';
import { resolveTenant, type Tenant } from '../../../shared/tenant.ts';

/**
 * What a key may do. `enqueue`: create, cancel and retry its tenant's jobs; `read`: read its
 * tenant's jobs and batches; `admin`: domain limits, and every tenant's jobs and batches;
 * `robots:ignore`: set `ignoreRobots`.
 */
export const SCOPES = ['enqueue', 'read', 'admin', 'robots:ignore'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyEntry {
  /** SHA-256 of the key. */
  digest: Uint8Array;
  /** Non-secret id for logs and job metadata: the first 12 hex chars of the digest. */
  id: string;
  scopes: ReadonlySet<Scope>;
  /** Whose jobs the key sees: `@tenant` of its entry, else its own id (one tenant per key). */
  tenant: Tenant;
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
 * `API_KEYS` is a comma-separated list of `<key>[#scope+scope…][@tenant]`, where `<key>` is
 * `sha256:<hex>` (production: only the hash is stored) or the key itself (local `.dev.vars`;
 * it cannot contain `,`, `#` or `@`). An entry without scopes gets `enqueue+read` (not
 * admin); without `@tenant` the key is a tenant of its own, named by its id. Keys that name
 * the same tenant see the same jobs (rotation: add the new key with the old key's tenant,
 * `@<old key id>` for a key that had none, then remove the old one).
 * E.g. `sha256:ab…#enqueue+read@acme`.
 */
export async function parseApiKeys(raw: string): Promise<ApiKeyEntry[]> {
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  return Promise.all(entries.map(async (entry) => {
    const at = entry.lastIndexOf('@');
    const keyAndScopes = at === -1 ? entry : entry.slice(0, at);
    const [key = '', scopeList] = keyAndScopes.split('#', 2);
    const hashed = HASHED.exec(key);
    const digest = hashed ? fromHex(hashed[1]!)! : await sha256(key);
    const names = scopeList === undefined ? ['enqueue', 'read'] : scopeList.split('+').filter(Boolean);
    for (const name of names) {
      if (!(SCOPES as readonly string[]).includes(name)) throw new InvalidApiKeyEntryError(`API_KEYS has an unknown scope "${name}" (known: ${SCOPES.join(', ')}; the form is <key>#scope+scope@tenant)`);
    }
    const id = toHex(digest).slice(0, 12);
    let tenant: Tenant;
    try {
      tenant = await resolveTenant(at === -1 ? id : entry.slice(at + 1), `The API_KEYS entry of key ${id}`);
    } catch (error) {
      throw new InvalidApiKeyEntryError(`${(error as Error).message} (the form is <key>#scope+scope@tenant)`);
    }
    return { digest, id, scopes: new Set(names as Scope[]), tenant };
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
