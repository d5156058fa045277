/**
 * @module shared/tenant
 * Tenants and the tag every id the edge issues starts with (`<tag>.<rest>`), so that the
 * edge can tell whose job or batch an id names without a Redis command, and the worker can
 * tell whose callback it signs.
 *
 * The tag is the first 12 hex digits of SHA-256("tenant\n" + name): not secret (a tenant
 * sees its own in every id) and not reversible to a name it does not know. Tenants are
 * configured by the operator, so 48 bits leave collisions out of reach (2^24 tenants for even
 * odds). `.` separates it because BullMQ forbids `:` and all-digit ids, and ids issued before
 * tenants existed never contain a `.`, so they can never pass for anyone's tagged id.
 */
import { toHex } from './bytes.ts';

/** A tenant name: what `@tenant` in an API_KEYS entry, or a hook's `tenant`, may be. */
export const TENANT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const TENANT_TAG_LENGTH = 12;

const TAGGED_ID = new RegExp(`^([0-9a-f]{${TENANT_TAG_LENGTH}})\\.`);

export interface Tenant {
  name: string;
  /** `TENANT_TAG_LENGTH` hex digits; every id issued for the tenant starts with `<tag>.`. */
  tag: string;
}

export class InvalidTenantNameError extends Error {
  override name = 'InvalidTenantNameError';
  // The value is not echoed: after a mistyped `@` in API_KEYS it may be part of a key.
  constructor(where: string) {
    super(`${where} names an invalid tenant: a tenant is 1–63 characters of a-z, 0-9, "_" and "-", starting with a letter or digit`);
  }
}

export async function tenantTag(name: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`tenant\n${name}`));
  return toHex(new Uint8Array(digest)).slice(0, TENANT_TAG_LENGTH);
}

/** Resolves a tenant name to its tag; `where` names the setting in the error. */
export async function resolveTenant(name: string, where: string): Promise<Tenant> {
  if (!TENANT_NAME.test(name)) throw new InvalidTenantNameError(where);
  return { name, tag: await tenantTag(name) };
}

/** `<tag>.<rest>`: an id that belongs to the tenant. */
export function tenantId(tenant: Tenant, rest: string): string {
  return `${tenant.tag}.${rest}`;
}

/** The tag an id starts with, or undefined for an untagged (pre-tenant) id. */
export function idTag(id: string): string | undefined {
  return TAGGED_ID.exec(id)?.[1];
}
