/**
 * @module edge/app-env
 * The Hono environment shared by every route: wrangler's generated `Env` bindings and the
 * per-request variables middleware sets.
 */
import type { Tenant } from '../../shared/tenant.ts';
import type { Scope } from './auth/api-keys.ts';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Non-secret id of the authenticated API key. */
    apiKeyId: string;
    /** What that key may do. */
    scopes: ReadonlySet<Scope>;
    /** Whose jobs and batches the key sees (all of them with the `admin` scope). */
    tenant: Tenant;
  };
}
