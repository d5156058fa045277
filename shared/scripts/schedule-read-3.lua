--[[
  schedule-read-3: a schedule's record, next fire time and last runs with their current state,
  in one round trip (GET /v1/schedules/:id).

  Input:
    KEYS[1] schedule hash
    KEYS[2] runs list
    KEYS[3] the schedule queue's BullMQ scheduler set ("<prefix>:schedule-runs:repeat"):
            member = schedule id, score = next fire time ms
    ARGV[1] scrape queue base "<prefix>:scrape:"
    ARGV[2] prefix
    ARGV[3] schedule id

  Output: false when there is no such schedule, else
    { {field, value, …}, nextMs or false, run1 JSON, state1, run2 JSON, state2, … }
]]
local rcall = redis.call
--- @include "schedule-run-state"

local fields = rcall('HGETALL', KEYS[1])
if #fields == 0 then return false end
local next = rcall('ZSCORE', KEYS[3], ARGV[3])
local out = { fields, next or false }
for _, entry in ipairs(rcall('LRANGE', KEYS[2], 0, -1)) do
  local state = 'unknown'
  local ok, run = pcall(cjson.decode, entry)
  if ok and type(run) == 'table' and type(run.runId) == 'string' then
    if run.status == 'skipped' then state = 'skipped' else state = quarryRunState(run.kind, run.runId, ARGV[1], ARGV[2]) end
  end
  out[#out + 1] = entry
  out[#out + 1] = state
end
return out
