/**
 * @module edge/queue/job-id
 * Job ids: derived from the caller's idempotency key (so a retried request names the same job),
 * else random. All satisfy BullMQ's rules (not an integer, no ":").
 */
import { toHex } from '../../../shared/bytes.ts';
import { sha256 } from '../auth/api-keys.ts';

/** Scoped by API key so two clients that pick the same idempotency key do not collide. */
export async function idempotentJobId(apiKeyId: string, idempotencyKey: string, kind = 'ik'): Promise<string> {
  return `${kind}-${toHex(await sha256(`${kind}\n${apiKeyId}\n${idempotencyKey}`)).slice(0, 32)}`;
}

export function randomJobId(): string {
  return crypto.randomUUID();
}

/** Ids the API issues: letters, digits, `-`, `_`; never all digits (BullMQ reserves those). */
const JOB_ID = /^(?!\d+$)[A-Za-z0-9_-]{1,100}$/;

export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}
