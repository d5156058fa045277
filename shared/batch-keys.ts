/**
 * @module shared/batch-keys
 * Where a batch's record lives in the broker and how its counters move. Every counter is
 * idempotent: an item is accounted once (items bitmap, set by the add-job script), and a job's
 * final outcome (completed, failed, cancelled) is counted once (done set), however often the
 * request, the job or the outcome is repeated.
 *
 * Record fields: `items` (the batch's size), `total` (items that created a job), `deduplicated`
 * (items that matched an existing job), `completed`, `failed`, `cancelled`, `createdAt`,
 * `submittedBy`, `columns` (the CSV columns of its exports, shared/exports/export-columns.ts). By construction total + deduplicated <= items, and
 * completed + failed + cancelled <= total.
 */

/** Hash with the fields listed in the module comment. */
export function batchKey(prefix: string, batchId: string): string {
  return `${prefix}:batch:${batchId}`;
}

/** Set of job ids already counted as finished (completed, failed or cancelled). */
export function batchDoneKey(prefix: string, batchId: string): string {
  return `${batchKey(prefix, batchId)}:done`;
}

/** Bitmap: bit i is 1 once item i of the batch is accounted (its job added or matched). */
export function batchItemsKey(prefix: string, batchId: string): string {
  return `${batchKey(prefix, batchId)}:items`;
}

/** Hash: item index → job id, for items that matched an existing job (answered again on a replay). */
/** Ids of the child jobs tasks of the batch added (ctx.enqueue), each counted once (batch-add-children-2.lua). */
export function batchChildrenKey(prefix: string, batchId: string): string {
  return `${batchKey(prefix, batchId)}:children`;
}

export function batchDedupKey(prefix: string, batchId: string): string {
  return `${batchKey(prefix, batchId)}:dedup`;
}

/**
 * Hash: item index → job id, for items whose job is not `<batchId>-<index>` because they had
 * their own idempotency key (written by the edge with the item's chunk). With the dedup hash it
 * tells an export which job holds each item's result.
 */
export function batchIdsKey(prefix: string, batchId: string): string {
  return `${batchKey(prefix, batchId)}:ids`;
}

/** The ledger keys the add-job script takes after BullMQ's, in its order. */
export function batchLedgerKeys(prefix: string, batchId: string): [record: string, items: string, dedup: string] {
  return [batchKey(prefix, batchId), batchItemsKey(prefix, batchId), batchDedupKey(prefix, batchId)];
}

/** How long a batch record outlives its last update (seconds). */
export const BATCH_TTL_SECONDS = 7 * 24 * 3600;

export type BatchOutcomeField = 'completed' | 'failed' | 'cancelled';

/**
 * Lua: a batch that asked for an `export` and has just finished (every item accounted, every
 * job completed, failed or cancelled) is marked `exportState = due` in its record and added to
 * the due set (shared/exports/export-keys.ts), once: a record that has an exportState already is
 * left alone. The key names come from the record's (`<prefix>:batch:<id>`), in its hash tag.
 *   quarryBatchExportDue(record) → 1 just became due, 0 otherwise
 */
const BATCH_EXPORT_DUE_LUA = `
local function quarryBatchExportDue(record)
  local f = redis.call("HMGET", record, "export", "exportState", "items", "total", "deduplicated", "completed", "failed", "cancelled")
  if not f[1] or f[2] or not f[3] then return 0 end
  local n = function(i) return tonumber(f[i]) or 0 end
  if n(4) + n(5) < n(3) or n(6) + n(7) + n(8) < n(4) then return 0 end
  local prefix, batchId = string.match(record, "^(.*):batch:([^:]+)$")
  if not prefix then return 0 end
  local time = redis.call("TIME")
  redis.call("HSET", record, "exportState", "due")
  redis.call("ZADD", prefix .. ":exports:due", tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000), "batch:" .. batchId)
  return 1
end`;

/**
 * Lua `batchExportDue-1`: KEYS[1] batch hash. The edge runs it after a batch's last chunk, for
 * batches with an `export`: a batch whose last items were all deduplicated (or whose every item
 * was) sees no outcome of its own after it became complete, so no outcome script would mark it.
 * Returns 1 when the export just became due (the workers' sweep enqueues it), 0 otherwise.
 */
export const BATCH_EXPORT_DUE_SCRIPT = `${BATCH_EXPORT_DUE_LUA}
return quarryBatchExportDue(KEYS[1])
`;

/**
 * Lua functions for scripts that only learn the batch from the job's data (cancel, retry, the
 * failed-job sweeper), so they build the keys from the queue prefix as `batchKey` does: the
 * prefix's hash tag keeps them in the job's cluster slot, as BullMQ's own scripts do with the
 * job keys they derive. `quarryBatchRecord` refuses ids that `isJobId` would (no key injection).
 *   quarryBatchOutcome(record, jobId, field, ttl) → 1 counted, 0 already counted or no record
 *     (counting the last outcome of a batch with an export makes the export due)
 *   quarryBatchReopen(record, jobId)              → a failed job re-queued: uncount its failure
 */
export const BATCH_OUTCOME_LUA_FUNCTIONS = `${BATCH_EXPORT_DUE_LUA}
local function quarryBatchRecord(prefix, batchId)
  if type(batchId) ~= "string" or not string.match(batchId, "^[%w%._%-]+$") then return nil end
  return prefix .. ":batch:" .. batchId
end
local function quarryBatchOutcome(record, jobId, field, ttl)
  if not record or redis.call("EXISTS", record) == 0 then return 0 end
  if redis.call("SADD", record .. ":done", jobId) == 0 then return 0 end
  redis.call("HINCRBY", record, field, 1)
  redis.call("EXPIRE", record, ttl)
  redis.call("EXPIRE", record .. ":done", ttl)
  quarryBatchExportDue(record)
  return 1
end
local function quarryBatchReopen(record, jobId)
  if record and redis.call("SREM", record .. ":done", jobId) == 1 then
    redis.call("HINCRBY", record, "failed", -1)
  end
end
`;

/**
 * Lua `recordBatchOutcome-2`
 *   KEYS[1] batch hash, KEYS[2] done set
 *   ARGV[1] job id, ARGV[2] outcome field (`completed` | `failed` | `cancelled`), ARGV[3] ttl seconds
 * Returns 0 when this job was already counted or the batch is unknown, 1 when counted, 2 when
 * counted and that finished a batch whose export is now due (the caller enqueues the export).
 */
export const RECORD_BATCH_OUTCOME_LUA = `${BATCH_EXPORT_DUE_LUA}
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
if redis.call("SADD", KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call("HINCRBY", KEYS[1], ARGV[2], 1)
redis.call("EXPIRE", KEYS[1], ARGV[3])
redis.call("EXPIRE", KEYS[2], ARGV[3])
return 1 + quarryBatchExportDue(KEYS[1])
`;
