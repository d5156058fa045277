/**
 * @module edge/app-env
 * The Hono environment shared by every route: wrangler's generated `Env` bindings and the
 * per-request variables middleware sets.
 */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    /** Non-secret id of the authenticated API key. */
    apiKeyId: string;
  };
}
