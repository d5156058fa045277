--[[
  schedule-claim-2: decides, once per slot and atomically, what a schedule's slot does: run,
  or be skipped because the previous run is still going (overlap "skip"). The decision is
  recorded in the schedule's runs list with the run's id, so a fire job that runs again (its
  worker was killed, the broker restarted) gets the same decision back and re-adds the same
  run ids, which BullMQ stores once: each slot fires exactly once.

  Input:
    KEYS[1] schedule hash    def, kind, enabled, overlap, lastSlot, activeRun, activeKind, …
    KEYS[2] runs list        the last runs, newest first, JSON {runId, kind, slot, firedAt, status, manual}
    ARGV[1] now, ms (the worker's clock; only recorded)
    ARGV[2] scrape queue base "<prefix>:scrape:" (the runs' job keys)
    ARGV[3] prefix (the runs' batch keys)
    ARGV[4] "1" for a manual run (POST /v1/schedules/:id/run): it runs whatever the overlap
            rule and the enabled flag say, and does not move lastSlot
    ARGV[5] runs kept in the list
    ARGV[6..] slot ms, run id, slot ms, run id, … in ascending slot order (catch-up slots first)

  Output: { def JSON or false when the schedule is gone, kind, runOptions JSON, tenant,
            submittedBy, status per slot… }
    status: "started" (enqueue the run), "skipped", "stale" (older than a slot already
    claimed: not recorded), "disabled"; a run already in the list answers its recorded status.
]]
local rcall = redis.call
--- @include "schedule-run-state"

local f = rcall('HMGET', KEYS[1], 'def', 'kind', 'enabled', 'overlap', 'lastSlot', 'activeRun', 'activeKind', 'runOptions', 'tenant', 'submittedBy')
if not f[1] then return { false } end
local kind = f[2]
local now = tonumber(ARGV[1])
local manual = ARGV[4] == '1'
local kept = tonumber(ARGV[5])
local lastSlot = tonumber(f[5]) or -1
local activeRun, activeKind = f[6], f[7]

local recorded = {}
for _, entry in ipairs(rcall('LRANGE', KEYS[2], 0, -1)) do
  local ok, run = pcall(cjson.decode, entry)
  if ok and type(run) == 'table' and type(run.runId) == 'string' then recorded[run.runId] = run.status end
end

local out = { f[1], kind, f[8] or false, f[9] or false, f[10] or false }
local startedHere = false
for i = 6, #ARGV, 2 do
  local slot, runId = tonumber(ARGV[i]), ARGV[i + 1]
  local status
  if recorded[runId] then
    status = recorded[runId]
  elseif not manual and slot <= lastSlot then
    status = 'stale'
  elseif not manual and f[3] == '0' then
    status = 'disabled'
  else
    status = 'started'
    if not manual and f[4] == 'skip' and activeRun
      and (startedHere or quarryRunState(activeKind or kind, activeRun, ARGV[2], ARGV[3]) == 'running') then
      status = 'skipped'
    end
    rcall('LPUSH', KEYS[2], cjson.encode({ runId = runId, kind = kind, slot = slot, firedAt = now, status = status, manual = manual }))
    rcall('LTRIM', KEYS[2], 0, kept - 1)
    rcall('HINCRBY', KEYS[1], status == 'started' and 'fired' or 'skipped', 1)
    rcall('HSET', KEYS[1], 'lastFireAt', now)
    if not manual then
      rcall('HSET', KEYS[1], 'lastSlot', slot)
      lastSlot = slot
    end
    if status == 'started' then
      rcall('HSET', KEYS[1], 'activeRun', runId, 'activeKind', kind)
      activeRun, activeKind, startedHere = runId, kind, true
    end
    recorded[runId] = status
  end
  out[#out + 1] = status
end
return out
