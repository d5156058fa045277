--[[
  schedule-list-2: a tenant's schedules with their summary fields, oldest first, in one round
  trip (GET /v1/schedules). A tenant holds at most QUARRY_MAX_SCHEDULES, so the page is bounded.

  Input:
    KEYS[1] the tenant's schedule index (zset of ids by creation time)
    KEYS[2] the schedule queue's BullMQ scheduler set (next fire time per schedule id)
    ARGV[1] schedule hash prefix "<prefix>:sched:"
    ARGV[2] the most schedules returned

  Output: { id, def, enabled, createdAt, updatedAt, lastFireAt, lastError, lastErrorAt, fired,
            skipped, nextMs, id, … } (false for missing values)
]]
local rcall = redis.call
local out = {}
for _, id in ipairs(rcall('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)) do
  local f = rcall('HMGET', ARGV[1] .. id, 'def', 'enabled', 'createdAt', 'updatedAt', 'lastFireAt', 'lastError', 'lastErrorAt', 'fired', 'skipped')
  if f[1] then
    out[#out + 1] = id
    for i = 1, 9 do out[#out + 1] = f[i] or false end
    out[#out + 1] = rcall('ZSCORE', KEYS[2], id) or false
  end
end
return out
