/**
 * @module edge/jobs/enqueue/idempotency-key
 * The `Idempotency-Key` header (IETF draft) and its agreement with the body's `idempotencyKey`.
 */
import type { Context } from 'hono';
import { LIMITS } from '../../../../shared/limits.ts';
import { ValidationProblem } from '../../problems/problems.ts';

const PRINTABLE = /^[\x21-\x7e]+$/;

export function idempotencyKeyHeader(c: Context): string | undefined {
  const raw = c.req.header('idempotency-key');
  if (raw === undefined) return undefined;
  // The draft standard allows a quoted string; accept both forms.
  const key = raw.trim().replace(/^"(.*)"$/, '$1');
  if (!key || key.length > LIMITS.idempotencyKeyMaxLength || !PRINTABLE.test(key)) {
    throw new ValidationProblem([{ path: 'Idempotency-Key', message: `must be 1–${LIMITS.idempotencyKeyMaxLength} printable ASCII characters without spaces` }]);
  }
  return key;
}

/** The header wins when alone; with both, they must agree (a mismatch is a caller bug). */
export function mergeIdempotencyKey(header: string | undefined, field: string | undefined): string | undefined {
  if (header !== undefined && field !== undefined && header !== field) {
    throw new ValidationProblem([{ path: 'idempotencyKey', message: 'differs from the Idempotency-Key header: send one, or the same value in both' }]);
  }
  return header ?? field;
}
