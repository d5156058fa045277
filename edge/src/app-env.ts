/**
 * @module edge/app-env
 * The Hono environment shared by every route: wrangler's generated `Env` bindings and the
 * per-request variables middleware sets.
 */
import type { Scope } from './auth/api-keys.ts';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Non-secret id of the authenticated API key. */
    apiKeyId: string;
    /** What that key may do. */
    scopes: ReadonlySet<Scope>;
  };
}
