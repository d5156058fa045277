/**
 * @module edge/jobs/cancel-and-retry
 * Cancel (BullMQ's removeJob) and replay (BullMQ's reprocessJob), each guarded by a state
 * check in the same script so the answer says exactly why nothing happened, and each keeping
 * what depends on the job true in that script: a cancelled job frees the domain slot it had
 * reserved and counts as `cancelled` in its batch; a replayed job starts a new run.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { removeJob } from 'bullmq/dist/esm/scripts/removeJob-2.js';
import { reprocessJob } from 'bullmq/dist/esm/scripts/reprocessJob-9.js';
import { BATCH_OUTCOME_LUA_FUNCTIONS, BATCH_TTL_SECONDS } from '../../../shared/batch-keys.ts';
import { queueKeys } from '../../../shared/keys.ts';
import { JOB_STATE_LUA, wrapBullmqScript } from './wrap-bullmq-script.ts';

export type ChangeOutcome = { ok: true; previous: string } | { ok: false; state: string | null };

const CANCELLABLE = new Set(['waiting', 'delayed', 'prioritized']);

/** The job's data as the edge stored it (JobData), or nil when unreadable. */
const JOB_DATA_LUA = `
local function quarryJobData(jobKey)
  local raw = redis.call("HGET", jobKey, "data")
  if not raw then return nil end
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == "table" then return decoded end
  return nil
end
`;

/*
 * KEYS[1] job hash, KEYS[2] repeat key; ARGV[1] job id, ARGV[2] remove children ("0"),
 * ARGV[3] queue base prefix, ARGV[4] Quarry prefix, ARGV[5] batch TTL seconds.
 * Reply: { 1 | 0, state } (0 = not removed).
 *
 * A throttled job holds a reservation `r:<jobId>` in its domain's log (shared/domain-keys.ts:
 * `<prefix>:domain:<domain>:log`); left there, it pushes every later job of the domain behind
 * it until its slot passes. The domain comes from the job's data (stored at enqueue, since
 * the edge cannot run the worker's code), and the key is built as domainKeys builds it, in the
 * prefix's hash tag like the job's own keys. The batch counts the job once as `cancelled`
 * (its done set, as a worker counts completed and failed).
 */
const CANCEL_LUA = wrapBullmqScript(removeJob.content, {
  before: `${JOB_STATE_LUA('ARGV[1]', 'ARGV[3]')}
if redis.call("EXISTS", KEYS[1]) == 0 then return { 0, false } end
if quarryState ~= "waiting" and quarryState ~= "delayed" and quarryState ~= "prioritized" then return { 0, quarryState or "unknown" } end
${JOB_DATA_LUA}
${BATCH_OUTCOME_LUA_FUNCTIONS}
local quarryData = quarryJobData(KEYS[1])
local function quarryCancelled(removed)
  if removed == 1 and quarryData then
    local domain = quarryData.domain
    if type(domain) == "string" and string.match(domain, "^[a-z0-9%._%-:%[%]]+$") then
      redis.call("ZREM", ARGV[4] .. ":domain:" .. domain .. ":log", "r:" .. ARGV[1])
    end
    quarryBatchOutcome(quarryBatchRecord(ARGV[4], quarryData.batchId), ARGV[1], "cancelled", ARGV[5])
  end
  return { removed, quarryState }
end`,
  reply: 'quarryCancelled(bullmqResult)',
});

/*
 * KEYS as BullMQ's reprocessJob (job, events, failed, wait, meta, active, marker, prioritized,
 * pc); ARGV: id, push command, field to clear, previous state, reset attemptsMade, reset
 * attemptsStarted, then the Quarry prefix. Reply: { code, state } (code 1 = re-queued).
 *
 * A replay is a new run of the job: `data.run` goes up by one, so its result callbacks get
 * delivery ids of their own (cb-<jobId>-<run>-<event>) instead of colliding with the failed
 * run's; and its batch stops counting it as failed (it is pending again, and counted once
 * more when this run finishes). Re-encoding with cjson keeps JobData as it is (objects,
 * strings, 13-digit ms timestamps within cjson's 14 significant digits); it would turn an
 * empty array into {}, and JobData has no arrays.
 */
const RETRY_LUA = wrapBullmqScript(reprocessJob.content, {
  before: `${JOB_STATE_LUA('ARGV[1]', `string.sub(KEYS[2], 1, -7)`)}
if quarryState ~= "failed" then return { 0, quarryState or false } end
${JOB_DATA_LUA}
${BATCH_OUTCOME_LUA_FUNCTIONS}
local function quarryRetried(code)
  if code == 1 then
    local data = quarryJobData(KEYS[1])
    if data then
      data.run = (tonumber(data.run) or 0) + 1
      redis.call("HSET", KEYS[1], "data", cjson.encode(data))
      quarryBatchReopen(quarryBatchRecord(ARGV[7], data.batchId), ARGV[1])
    end
  end
  return { code, quarryState }
end`,
  reply: 'quarryRetried(bullmqResult)',
});

const scripts = new WeakMap<Redis, { cancel: ReturnType<Redis['createScript']>; retry: ReturnType<Redis['createScript']> }>();
function scriptsFor(redis: Redis) {
  let found = scripts.get(redis);
  if (!found) scripts.set(redis, (found = { cancel: redis.createScript(CANCEL_LUA), retry: redis.createScript(RETRY_LUA) }));
  return found;
}

function outcome(reply: unknown): ChangeOutcome {
  const [code, state] = reply as [number, string | null];
  return code === 1 ? { ok: true, previous: state ?? 'unknown' } : { ok: false, state: state ?? null };
}

/**
 * Removes a job that has not started; in the same script frees its reserved domain slot and
 * counts it as cancelled in its batch. One round trip.
 */
export async function cancelJob(redis: Redis, prefix: string, id: string): Promise<ChangeOutcome> {
  const keys = queueKeys(prefix);
  return outcome(await scriptsFor(redis).cancel.exec([keys.job(id), `${keys.base}repeat`], [id, '0', keys.base, prefix, String(BATCH_TTL_SECONDS)]));
}

/** Re-queues a failed job with its attempts reset, as a fresh run (data.run + 1). One round trip. */
export async function retryJob(redis: Redis, prefix: string, id: string): Promise<ChangeOutcome> {
  const keys = queueKeys(prefix);
  const redisKeys = [keys.job(id), keys.key('events'), keys.key('failed'), keys.key('wait'), keys.key('meta'),
    keys.key('active'), keys.key('marker'), keys.key('prioritized'), keys.key('pc')];
  return outcome(await scriptsFor(redis).retry.exec(redisKeys, [id, 'LPUSH', 'failedReason', 'failed', '1', '1', prefix]));
}

export { CANCELLABLE };
