/**
 * @module shared/batch-keys
 * Where a batch's record lives in the broker and how a worker records that one of its jobs
 * finished. Counters are idempotent: a job that completes twice (stalled and re-run) counts once.
 */

/** Hash with `total`, `deduplicated`, `createdAt`, `submittedBy`, `completed`, `failed`. */
export function batchKey(prefix: string, batchId: string): string {
  return `${prefix}:batch:${batchId}`;
}

/** Set of job ids already counted as finished. */
export function batchDoneKey(prefix: string, batchId: string): string {
  return `${prefix}:batch:${batchId}:done`;
}

/** How long a batch record outlives its last update (seconds). */
export const BATCH_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Lua `recordBatchOutcome-2`
 *   KEYS[1] batch hash, KEYS[2] done set
 *   ARGV[1] job id, ARGV[2] outcome field (`completed` | `failed`), ARGV[3] ttl seconds
 * Returns 1 when counted, 0 when this job was already counted or the batch is unknown.
 */
export const RECORD_BATCH_OUTCOME_LUA = `
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
if redis.call("SADD", KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call("HINCRBY", KEYS[1], ARGV[2], 1)
redis.call("EXPIRE", KEYS[1], ARGV[3])
redis.call("EXPIRE", KEYS[2], ARGV[3])
return 1
`;
