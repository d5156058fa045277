/**
 * @module edge/auth/tenant-access
 * Which ids a request may touch, decided from the id alone (no Redis command): ids a tenant's
 * keys created start with its tag; an `admin` key may touch every id, untagged ones too.
 * Routes answer a refused id exactly like an unknown one, so that another tenant's ids
 * cannot be probed for existence.
 */
import type { Context } from 'hono';
import { idTag } from '../../../shared/tenant.ts';
import type { AppEnv } from '../app-env.ts';
import { hasScope } from '../middleware/require-scope.ts';

/** True when the key sees every tenant's jobs (and lists them unfiltered). */
export function seesAllTenants(c: Context<AppEnv>): boolean {
  return hasScope(c.get('scopes'), 'admin');
}

/** True when the caller may read or change the job or batch `id` names. */
export function mayAccessId(c: Context<AppEnv>, id: string): boolean {
  return seesAllTenants(c) || idTag(id) === c.get('tenant').tag;
}
