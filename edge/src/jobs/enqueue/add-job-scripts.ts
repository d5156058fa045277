/**
 * @module edge/jobs/enqueue/add-job-scripts
 * BullMQ's own add-job Lua scripts (from the pinned bullmq package), wrapped so they can run
 * over the Upstash REST protocol, which carries JSON text rather than msgpack bytes, and so a
 * batch item is accounted in its batch in the same atomic script that adds its job.
 */
import { addDelayedJob } from 'bullmq/dist/esm/scripts/addDelayedJob-6.js';
import { addPrioritizedJob } from 'bullmq/dist/esm/scripts/addPrioritizedJob-9.js';
import { addStandardJob } from 'bullmq/dist/esm/scripts/addStandardJob-9.js';
import type { QueueKeySuffix } from '../../../../shared/keys.ts';

export type AddJobKind = 'standard' | 'delayed' | 'prioritized';

export interface AddJobScript {
  kind: AddJobKind;
  /** KEYS in the order BullMQ's script expects them (see redis-queue-backend.js). */
  keys: readonly QueueKeySuffix[];
  /**
   * Wrapped Lua source; returns `{ jobIdOrErrorCode, existed (0|1), replayed (0|1) }`.
   * Batch items pass three more KEYS after BullMQ's (batch record, items bitmap, dedup hash)
   * and ARGV[4] = the item's index; single jobs pass neither.
   */
  lua: string;
}

/*
 * The preamble rebuilds ARGV[1] (job arguments) and ARGV[3] (options) as msgpack from JSON, so
 * the stored job is byte-for-byte what `Queue.add` stores. It shadows ARGV with a local table
 * rather than writing the global one, which some Redis builds make read-only. It also records
 * whether a job with this id already existed, so the API can say "duplicate" without a second
 * round trip. BullMQ's script body runs unchanged inside a function.
 *
 * Batch ledger (only with ARGV[4]): bit <index> of the items bitmap says the item is accounted.
 * An accounted item is not added again (its job may have finished and been removed since): the
 * script answers with the id it got the first time (the dedup hash holds the ids of items that
 * matched another job). Otherwise BullMQ adds the job and, in the same script, the bit is set
 * and exactly one of the batch's `total` (a new job, which a worker will count as finished) or
 * `deduplicated` (the id or the dedupe window named an existing job) is incremented. So a
 * retried or re-sent chunk never counts an item twice, and total + deduplicated only reaches the
 * batch's item count once every item made it in.
 */
function wrap(content: string, bullmqKeyCount: number): string {
  const record = `KEYS[${bullmqKeyCount + 1}]`;
  const items = `KEYS[${bullmqKeyCount + 2}]`;
  const dedup = `KEYS[${bullmqKeyCount + 3}]`;
  return [
    '-- Quarry: rebuild BullMQ msgpack arguments from JSON (REST carries text, not bytes)',
    'local quarryArgs = cjson.decode(ARGV[1])',
    'local quarryItem = ARGV[4]',
    'if quarryItem and redis.call("GETBIT", ' + items + ', quarryItem) == 1 then',
    '  local quarryFirstId = redis.call("HGET", ' + dedup + ', quarryItem)',
    '  return { quarryFirstId or quarryArgs[2], quarryFirstId and 1 or 0, 1 }',
    'end',
    'local ARGV = { cmsgpack.pack(quarryArgs), ARGV[2], cmsgpack.pack(cjson.decode(ARGV[3])) }',
    'local quarryExisted = 0',
    'if quarryArgs[2] ~= "" and redis.call("EXISTS", quarryArgs[1] .. quarryArgs[2]) == 1 then quarryExisted = 1 end',
    'local function bullmqAddJob()',
    content,
    'end',
    'local quarryResult = bullmqAddJob()',
    'if quarryItem and type(quarryResult) ~= "number" then',
    '  redis.call("SETBIT", ' + items + ', quarryItem, 1)',
    '  if quarryExisted == 1 or tostring(quarryResult) ~= quarryArgs[2] then',
    '    redis.call("HINCRBY", ' + record + ', "deduplicated", 1)',
    '    redis.call("HSET", ' + dedup + ', quarryItem, quarryResult)',
    '  else',
    '    redis.call("HINCRBY", ' + record + ', "total", 1)',
    '  end',
    'end',
    'return { quarryResult, quarryExisted, 0 }',
  ].join('\n');
}

const STANDARD_KEYS = ['wait', 'paused', 'meta', 'id', 'completed', 'delayed', 'active', 'events', 'marker'] as const;
const DELAYED_KEYS = ['marker', 'meta', 'id', 'delayed', 'completed', 'events'] as const;
const PRIORITIZED_KEYS = ['marker', 'meta', 'id', 'prioritized', 'delayed', 'completed', 'active', 'events', 'pc'] as const;

export const ADD_JOB_SCRIPTS: Record<AddJobKind, AddJobScript> = {
  standard: { kind: 'standard', keys: STANDARD_KEYS, lua: wrap(addStandardJob.content, STANDARD_KEYS.length) },
  delayed: { kind: 'delayed', keys: DELAYED_KEYS, lua: wrap(addDelayedJob.content, DELAYED_KEYS.length) },
  prioritized: { kind: 'prioritized', keys: PRIORITIZED_KEYS, lua: wrap(addPrioritizedJob.content, PRIORITIZED_KEYS.length) },
};

/** Same choice as BullMQ's `addJobToTransaction`: delay wins over priority. */
export function addJobKind(options: { delay?: number; priority?: number }): AddJobKind {
  if (typeof options.delay === 'number' && options.delay > 0) return 'delayed';
  if (options.priority) return 'prioritized';
  return 'standard';
}
