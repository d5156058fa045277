/**
 * @module edge/queue/job-id
 * Job ids: derived from the caller's idempotency key (so a retried request names the same job),
 * else random. Both satisfy BullMQ's rules (not an integer, no ":").
 */
import { sha256, toHex } from '../auth/api-keys.ts';

/** Scoped by API key so two clients that pick the same idempotency key do not collide. */
export async function idempotentJobId(apiKeyId: string, idempotencyKey: string): Promise<string> {
  return `ik-${toHex(await sha256(`${apiKeyId}\n${idempotencyKey}`)).slice(0, 32)}`;
}

export function randomJobId(): string {
  return crypto.randomUUID();
}

const JOB_ID = /^(ik-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Ids the API could have issued; anything else is a 404 without a Redis call. */
export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}
