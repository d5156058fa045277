/**
 * @module edge/jobs/enqueue/job-id
 * Job and batch ids: `<tenant tag>.<rest>` (shared/tenant.ts), where the rest comes from the
 * caller's idempotency key (so a retried request names the same job) or is random. All satisfy
 * BullMQ's rules (never all digits, no ":").
 */
import { toHex } from '../../../../shared/bytes.ts';
import { tenantId, TENANT_TAG_LENGTH, type Tenant } from '../../../../shared/tenant.ts';
import { sha256 } from '../../auth/api-keys.ts';

/**
 * Scoped by tenant, not key: two keys of one tenant (a rotation) that send the same
 * idempotency key name the same job; two tenants that pick the same key never collide.
 */
export async function idempotentJobId(tenant: Tenant, idempotencyKey: string, kind = 'ik'): Promise<string> {
  return tenantId(tenant, `${kind}-${toHex(await sha256(`${kind}\n${tenant.name}\n${idempotencyKey}`)).slice(0, 32)}`);
}

export function randomJobId(tenant: Tenant, kind?: string): string {
  return tenantId(tenant, kind ? `${kind}-${crypto.randomUUID()}` : crypto.randomUUID());
}

/** Ids issued before tenants existed: letters, digits, `-`, `_`; never all digits (BullMQ reserves those). */
const UNTAGGED_ID = /^(?!\d+$)[A-Za-z0-9_-]{1,100}$/;
/** Tagged ids: the tag, a `.`, then what an untagged id may hold. */
const TAGGED_ID = new RegExp(`^[0-9a-f]{${TENANT_TAG_LENGTH}}\\.[A-Za-z0-9_-]{1,${100 - TENANT_TAG_LENGTH - 1}}$`);

export function isJobId(value: string): boolean {
  return TAGGED_ID.test(value) || UNTAGGED_ID.test(value);
}
