/**
 * @module edge/hooks/hook-config
 * Webhook trigger definitions from the `QUARRY_HOOKS` var (JSON). Signing secrets are never
 * in it: each hook names the secret binding that holds them (comma-separated, so two can be
 * active during a rotation).
 */
import { z } from 'zod';
import { TENANT_NAME } from '../../../shared/tenant.ts';
import { MisconfiguredProblem } from '../problems/problems.ts';

export const hookDefinitionSchema = z.strictObject({
  /** `quarry`: `Quarry-Signature: t=…,v1=…` (Stripe scheme); `github`: `X-Hub-Signature-256`. */
  scheme: z.enum(['quarry', 'github']).default('quarry'),
  /** Name of the secret binding (`wrangler secret put …`) holding the signing secret(s). */
  secretBinding: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  /**
   * JSON Pointers (RFC 6901) to the URL or URL list in the payload. Default: `/url` and `/urls`.
   * Example for a GitHub push: `["/repository/html_url"]`.
   */
  urlPointers: z.array(z.string().regex(/^(\/[^/]*)*$/)).min(1).default(['/url', '/urls']),
  /** Job fields applied to every job the hook creates (mode, extract, attempts, …). */
  defaults: z.record(z.string(), z.unknown()).default({}),
  /** Most URLs one delivery may turn into jobs. */
  maxUrls: z.int().min(1).max(1000).default(100),
  /**
   * The tenant its jobs belong to: keys with `@<tenant>` (and admin keys) see them.
   * Default `hook-<name>`.
   */
  tenant: z.string().regex(TENANT_NAME, 'must be 1–63 characters of a-z, 0-9, "_" and "-"').optional(),
});
export type HookDefinition = z.infer<typeof hookDefinitionSchema> & { tenant: string };

const hooksSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/), hookDefinitionSchema)
  .transform((hooks, ctx) => Object.fromEntries(Object.entries(hooks).map(([name, hook]) => {
    const tenant = hook.tenant ?? `hook-${name}`;
    if (!TENANT_NAME.test(tenant)) ctx.addIssue({ code: 'custom', path: [name, 'tenant'], message: `the default tenant "hook-${name}" is over 63 characters: set "tenant"` });
    return [name, { ...hook, tenant }];
  })));
const cache = new Map<string, Record<string, HookDefinition>>();

export function loadHooks(raw: string | undefined): Record<string, HookDefinition> {
  const text = raw ?? '{}';
  let hooks = cache.get(text);
  if (hooks) return hooks;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MisconfiguredProblem('QUARRY_HOOKS is not valid JSON: fix it in wrangler.jsonc.');
  }
  const parsed = hooksSchema.safeParse(json);
  if (!parsed.success) {
    throw new MisconfiguredProblem(`QUARRY_HOOKS is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  }
  cache.set(text, (hooks = parsed.data));
  return hooks;
}

/** Follows an RFC 6901 pointer; undefined when any step is missing. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/** Every URL string found at the hook's pointers (a string or an array of strings each). */
export function extractUrls(payload: unknown, pointers: readonly string[]): unknown[] {
  const urls: unknown[] = [];
  for (const pointer of pointers) {
    const value = resolvePointer(payload, pointer);
    if (Array.isArray(value)) urls.push(...value);
    else if (value !== undefined) urls.push(value);
  }
  return urls;
}
