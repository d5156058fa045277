/**
 * @module edge/schedules/scheduler-scripts
 * BullMQ's own job-scheduler scripts (from the pinned bullmq package), wrapped so the edge can
 * create, change and remove a schedule in ONE REST round trip: the wrapper checks the tenant's
 * schedule cap, writes the schedule's record and index, then runs BullMQ's addJobScheduler
 * (enabled) or removeJobScheduler (disabled) body unchanged. As for add-job (jobs/enqueue/
 * add-job-scripts.ts), a preamble rebuilds BullMQ's msgpack arguments from JSON, because the
 * REST protocol carries text, not bytes.
 */
import { addJobScheduler } from 'bullmq/dist/esm/scripts/addJobScheduler-11.js';
import { removeJobScheduler } from 'bullmq/dist/esm/scripts/removeJobScheduler-3.js';

/** KEYS of addJobScheduler-11, as BullMQ's redis-queue-backend.js passes them. */
export const ADD_SCHEDULER_KEYS = ['repeat', 'delayed', 'wait', 'paused', 'meta', 'prioritized', 'marker', 'id', 'events', 'pc', 'active'] as const;

/** Replies of the upsert script besides BullMQ's own codes (-10 id collision, -11 slots busy). */
export const UPSERT_LIMIT_REACHED = -100;
export const UPSERT_NOT_FOUND = -101;

/**
 * KEYS: addJobScheduler's 11, then KEYS[12] schedule hash, KEYS[13] tenant index.
 * ARGV: addJobScheduler's 9 (ARGV[2], [5], [6] as JSON), then
 *   ARGV[10] "create" | "update", ARGV[11] the tenant's cap (0 = none),
 *   ARGV[12] record fields (JSON object of strings), ARGV[13] "1" enabled, ARGV[14] now ms.
 * Reply: {1, fireJobId, delayMs} scheduled; {0} stored disabled (scheduler removed);
 *   {-100, count} cap reached; {-101} update of an unknown schedule; {code} a BullMQ error code.
 */
export const UPSERT_SCHEDULE_LUA = [
  '-- Quarry: schedule record + cap, then BullMQ addJobScheduler / removeJobScheduler',
  'local quarryId = ARGV[3]',
  'local quarryExists = redis.call("EXISTS", KEYS[12]) == 1',
  'if ARGV[10] == "update" and not quarryExists then return { -101 } end',
  'if ARGV[10] == "create" then',
  '  local quarryMax = tonumber(ARGV[11])',
  '  local quarryCount = redis.call("ZCARD", KEYS[13])',
  '  if quarryMax > 0 and quarryCount >= quarryMax then return { -100, quarryCount } end',
  '  redis.call("ZADD", KEYS[13], ARGV[14], quarryId)',
  '  redis.call("HSET", KEYS[12], "createdAt", ARGV[14])',
  'end',
  'for quarryField, quarryValue in pairs(cjson.decode(ARGV[12])) do redis.call("HSET", KEYS[12], quarryField, quarryValue) end',
  'if ARGV[13] == "1" then',
  '  local ARGV = { ARGV[1], cmsgpack.pack(cjson.decode(ARGV[2])), ARGV[3], ARGV[4], cmsgpack.pack(cjson.decode(ARGV[5])), cmsgpack.pack(cjson.decode(ARGV[6])), ARGV[7], ARGV[8], ARGV[9] }',
  '  local function bullmqAddJobScheduler()',
  addJobScheduler.content,
  '  end',
  '  local quarryResult = bullmqAddJobScheduler()',
  '  if type(quarryResult) == "number" then return { quarryResult } end',
  '  return { 1, quarryResult[1], quarryResult[2] }',
  'end',
  'local ARGV = { quarryId, ARGV[8] }',
  'local KEYS = { KEYS[1], KEYS[2], KEYS[9] }',
  'local function bullmqRemoveJobScheduler()',
  removeJobScheduler.content,
  'end',
  'bullmqRemoveJobScheduler()',
  'return { 0 }',
].join('\n');

/**
 * KEYS[1] repeat set, KEYS[2] delayed, KEYS[3] events (removeJobScheduler's), KEYS[4] schedule
 * hash, KEYS[5] runs list, KEYS[6] tenant index. ARGV[1] schedule id, ARGV[2] queue base.
 * Reply: 1 deleted, 0 unknown. Runs already enqueued are normal jobs and batches: they finish.
 */
export const DELETE_SCHEDULE_LUA = [
  'if redis.call("EXISTS", KEYS[4]) == 0 then return 0 end',
  'redis.call("DEL", KEYS[4], KEYS[5])',
  'redis.call("ZREM", KEYS[6], ARGV[1])',
  'local KEYS = { KEYS[1], KEYS[2], KEYS[3] }',
  'local function bullmqRemoveJobScheduler()',
  removeJobScheduler.content,
  'end',
  'bullmqRemoveJobScheduler()',
  'return 1',
].join('\n');
