/**
 * @module shared/scrape-options/proxy-options
 * `proxy`: which of the fleet's proxy pools (QUARRY_PROXY_POOLS on the workers) a job goes
 * out through, with an optional sticky session; `"none"` to go direct; `"auto"` for the tiered
 * escalation of QUARRY_PROXY_TIERS (a domain that keeps blocking moves to the next pool). Without
 * it the domain's default applies (PUT /v1/domains/:host/limits), else the workers' default.
 * The edge cannot see the workers' pool names: a job naming an unknown pool fails at the worker
 * with a message listing the pools it has.
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const proxyPoolNameSchema = z.string().min(1).max(LIMITS.proxyNameMaxLength)
  .regex(NAME, 'must be a pool name: letters, digits, _ . - (as in QUARRY_PROXY_POOLS)')
  .refine((name) => name !== 'none' && name !== 'auto', '"none" and "auto" are not pool names: use "proxy": "none" or "proxy": "auto"');

export const proxySessionSchema = z.string().min(1).max(LIMITS.proxyNameMaxLength)
  .regex(NAME, 'must be a session key: letters, digits, _ . -')
  .describe('Sticky session: every job of the tenant with this key goes through the same proxy and shares one cookie jar, fleet-wide, until the session expires (QUARRY_PROXY_SESSION_TTL_SECONDS) or its proxy fails');

export const proxyChoiceSchema = z.union([
  z.literal('none').describe('Go direct, whatever the domain\'s default'),
  z.literal('auto').describe('Tiered escalation: the domain\'s current tier of QUARRY_PROXY_TIERS'),
  z.strictObject({ pool: proxyPoolNameSchema, session: proxySessionSchema.optional() }),
], { error: 'must be "none", "auto" or {"pool": "<name>", "session"?: "<key>"}' })
  .describe('Which proxies the job goes out through; without it the domain\'s default, then the workers\' QUARRY_PROXY_DEFAULT')
  .meta({ example: { pool: 'residential', session: 'checkout-1' } });
export type ProxyChoice = z.infer<typeof proxyChoiceSchema>;

export const proxyOptionsShape = {
  proxy: proxyChoiceSchema.optional(),
};

/** A domain's default (PUT /v1/domains/:host/limits): no session, which would make every tenant's jobs share one. */
export const domainProxySchema = z.union([
  z.literal('none'), z.literal('auto'), z.strictObject({ pool: proxyPoolNameSchema }),
], { error: 'must be "none", "auto" or {"pool": "<name>"}' })
  .describe('Proxy default for jobs to this domain that name none: "none", "auto" (tiered) or {"pool": "<name>"}');
export type DomainProxy = z.infer<typeof domainProxySchema>;

/** The text form the proxy Lua scripts read: `none`, `auto` or `pool:<name>`. */
export function encodeProxyChoice(choice: ProxyChoice | DomainProxy): string {
  return typeof choice === 'string' ? choice : `pool:${choice.pool}`;
}

/** Inverse of `encodeProxyChoice` for stored domain defaults; undefined for anything else. */
export function decodeDomainProxy(text: string | undefined): DomainProxy | undefined {
  if (text === 'none' || text === 'auto') return text;
  return text?.startsWith('pool:') ? { pool: text.slice(5) } : undefined;
}
