--[[
  domain-release-2: ends a concurrency lease and folds how long it was held into the domain's
  moving average (used to estimate when a lease frees up for jobs denied by concurrency).

  Input:
    KEYS[1] leases zset   lease ids scored by expiry ms
    KEYS[2] state hash    holdMs
    ARGV[1] lease id "<startMs>-<jobId>" as domain-acquire returned it
    ARGV[2] how long the state hash (and the average in it) outlives this release, ms

  Output: 1 released, 0 when unknown or already expired (and purged)
]]
local rcall = redis.call

--- @include "redis-now"
--- @include "extend-ttl"

local removed = rcall('ZREM', KEYS[1], ARGV[1])
if removed == 1 then
  local started = tonumber(string.match(ARGV[1], '^(%d+)-'))
  if started then
    local held = math.max(redisNowMs() - started, 1)
    local average = tonumber(rcall('HGET', KEYS[2], 'holdMs'))
    if average then held = math.floor(average * 0.8 + held * 0.2) end
    rcall('HSET', KEYS[2], 'holdMs', held)
    -- The only TTL the state gets from a capped domain's traffic (acquire only reads it); a
    -- cooldown in force sets a longer one, which this must not cut short.
    extendTtl(KEYS[2], tonumber(ARGV[2]))
  end
end
return removed
