/**
 * @module edge/jobs/read-job-script
 * Lua `readJob-9`: a job's state and fields in one round trip (BullMQ's getState checks the
 * same sets, but returns no fields).
 */
import type { QueueKeySuffix } from '../../../shared/keys.ts';

/** KEYS[2..9] in order; KEYS[1] is the job hash. */
export const READ_JOB_STATE_KEYS: readonly QueueKeySuffix[] = [
  'completed', 'failed', 'delayed', 'prioritized', 'waiting-children', 'active', 'wait', 'paused',
];

/** Hash fields returned after the state, in this order. */
export const READ_JOB_FIELDS = [
  'name', 'timestamp', 'processedOn', 'finishedOn', 'atm', 'ats', 'progress', 'failedReason', 'opts', 'delay',
] as const;

export const READ_JOB_LUA = `
--[[
  Reads one job's state and fields.
    KEYS[1] job hash, KEYS[2] completed, KEYS[3] failed, KEYS[4] delayed, KEYS[5] prioritized,
    KEYS[6] waiting-children, KEYS[7] active, KEYS[8] wait, KEYS[9] paused
    ARGV[1] job id
  Returns false when the job hash does not exist, else { state, field values... }
  (fields: ${READ_JOB_FIELDS.join(', ')}).
]]
if redis.call("EXISTS", KEYS[1]) == 0 then return false end
local jobId = ARGV[1]
local state = "unknown"
local zsets = { {KEYS[2], "completed"}, {KEYS[3], "failed"}, {KEYS[4], "delayed"},
  {KEYS[5], "prioritized"}, {KEYS[6], "waiting-children"} }
for _, z in ipairs(zsets) do
  if redis.call("ZSCORE", z[1], jobId) then state = z[2] break end
end
if state == "unknown" then
  local lists = { {KEYS[7], "active"}, {KEYS[8], "waiting"}, {KEYS[9], "waiting"} }
  for _, l in ipairs(lists) do
    if redis.call("LPOS", l[1], jobId) then state = l[2] break end
  end
end
local fields = redis.call("HMGET", KEYS[1], ${READ_JOB_FIELDS.map((f) => `"${f}"`).join(', ')})
local out = { state }
for i = 1, ${READ_JOB_FIELDS.length} do out[i + 1] = fields[i] or false end
return out
`;
