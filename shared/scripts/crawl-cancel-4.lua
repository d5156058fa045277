--[[
  crawl-cancel-4: cancels a running crawl. Discovery stops (status cancelled, frontier and dedupe
  buckets dropped), and every page job of the crawl that has not started is removed with
  BullMQ's own removeJob script, its reserved politeness slot freed (as DELETE /v1/jobs/:id
  does); running pages finish and are recorded. The crawl's in-flight set (at most its window
  of ids) names the jobs, so this is bounded by the window, not by the crawl's size.

  Needs `bullmqRemoveJob(KEYS, ARGV)` defined before it: BullMQ's removeJob script body wrapped
  as a function (shared/crawls/crawl-scripts.ts).

  Input:
    KEYS[1] crawl hash
    KEYS[2] frontier list
    KEYS[3] in-flight set
    KEYS[4] BullMQ repeat key (removeJob reads it)
    ARGV[1] queue base prefix ("<prefix>:<queue>:"): job hashes are ARGV[1] .. id
    ARGV[2] Quarry prefix (domain reservation logs: "<prefix>:domain:<domain>:log")
    ARGV[3] now, ms

  Output: { cancelled (1|0), status, removed, running }
    removed: jobs taken off the queue; running: pages still running (they finish)
]]
local rcall = redis.call
local crawl, frontier, inflightKey = KEYS[1], KEYS[2], KEYS[3]
local base, prefix, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local f = rcall('HMGET', crawl, 'status', 'crawlId', 'seenPrefix', 'buckets')
if not f[1] then return { 0, 'unknown', 0, 0 } end
if f[1] ~= 'running' then return { 0, f[1], 0, rcall('SCARD', inflightKey) } end
local crawlId = f[2]

--- @include "crawl-functions"

rcall('HSET', crawl, 'status', 'cancelled', 'discoveryStopped', 'cancelled', 'cancelledAt', now)
local dropped = rcall('LLEN', frontier)
rcall('DEL', frontier)
crawlForgetSeen(f[3], tonumber(f[4]))

-- Removes one job that has not started; frees the politeness slot it reserved. 1 when removed.
local function removeWaiting(jobId)
  local jobKey = base .. jobId
  local raw = rcall('HGET', jobKey, 'data')
  local removed = bullmqRemoveJob({ jobKey, KEYS[4] }, { jobId, '0', base })
  if removed == 1 and raw then
    local ok, data = pcall(cjson.decode, raw)
    local domain = ok and type(data) == 'table' and data.domain
    if type(domain) == 'string' and string.match(domain, '^[a-z0-9%._%-:%[%]]+$') then
      rcall('ZREM', prefix .. ':domain:' .. domain .. ':log', 'r:' .. jobId)
    end
  end
  return removed
end

local removed = 0
for _, jobId in ipairs(rcall('SMEMBERS', inflightKey)) do
  if removeWaiting(jobId) == 1 then
    rcall('SREM', inflightKey, jobId)
    removed = removed + 1
  end
end
-- A seed job that has not started goes too (a running one finds the crawl cancelled).
if removeWaiting(crawlId .. '-seed') == 1 then rcall('HSET', crawl, 'seeding', '0') end
local running = rcall('SCARD', inflightKey)
-- Admitted pages that will not be scraped: the frontier's and the removed jobs'.
crawlCount(crawl, 'cancelledPages', dropped + removed)
if running == 0 then crawlFinish(crawl, now) end
return { 1, 'cancelled', removed, running }
