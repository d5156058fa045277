--[[
  The state of a schedule's run, from the keys its job or batch lives in (built from the queue
  base and the prefix, which carry the hash tag, as BullMQ's own scripts build job keys):
    job:   "completed" | "failed" (in those sets), "running" (waiting, delayed or active),
           "unknown" (removed by retention, or not added yet)
    batch: "finished" (every job completed, failed or cancelled), "running", "unknown"
    crawl: the crawl's status ("running", "completed", "cancelled", "failed"), "unknown"
]]
local function quarryRunState(kind, runId, scrapeBase, prefix)
  if kind == 'crawl' then
    return redis.call('HGET', prefix .. ':crawl:' .. runId, 'status') or 'unknown'
  end
  if kind == 'batch' then
    local b = redis.call('HMGET', prefix .. ':batch:' .. runId, 'total', 'completed', 'failed', 'cancelled')
    if not b[1] then return 'unknown' end
    local finished = (tonumber(b[2]) or 0) + (tonumber(b[3]) or 0) + (tonumber(b[4]) or 0)
    if finished >= tonumber(b[1]) then return 'finished' end
    return 'running'
  end
  if redis.call('ZSCORE', scrapeBase .. 'completed', runId) then return 'completed' end
  if redis.call('ZSCORE', scrapeBase .. 'failed', runId) then return 'failed' end
  if redis.call('EXISTS', scrapeBase .. runId) == 1 then return 'running' end
  return 'unknown'
end
