--[[
  domain-usage-4: read-only snapshot of one domain's politeness state, for the API and metrics.

  Input:
    KEYS[1..4] limits hash, log zset, leases zset, state hash (as domain-acquire-4)
    ARGV[1] default rates "max/perMs,..."
    ARGV[2] default concurrency
    ARGV[3] safety margin
    ARGV[4] claim grace ms

  Output: {now, overridden (0/1), concurrency, activeLeases, cooldownUntil, holdMs,
           reservedAhead (entries after now), nextSlot (earliest slot a new job would get),
           then per window: max, perMs, used (entries in the last perMs)}
]]
local rcall = redis.call

--- @include "redis-now"
--- @include "effective-limits"

local limitsKey, logKey, leasesKey, stateKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now = redisNowMs()
local windows, concurrency, _, overridden =
  effectiveLimits(limitsKey, ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), 0)
local state = rcall('HMGET', stateKey, 'cooldownUntil', 'holdMs')
local cooldownUntil = tonumber(state[1]) or 0

local nextSlot = math.max(now, cooldownUntil)
local tail = rcall('ZRANGE', logKey, -1, -1, 'WITHSCORES')
if tail[2] then nextSlot = math.max(nextSlot, tonumber(tail[2])) end
local result = {
  now, overridden, concurrency, rcall('ZCOUNT', leasesKey, '(' .. now, '+inf'), cooldownUntil,
  tonumber(state[2]) or 0, rcall('ZCOUNT', logKey, '(' .. now, '+inf'), 0,
}
for _, window in ipairs(windows) do
  local kth = rcall('ZRANGE', logKey, -window[1], -window[1], 'WITHSCORES')
  if kth[2] then nextSlot = math.max(nextSlot, tonumber(kth[2]) + window[2]) end
  result[#result + 1] = window[1]
  result[#result + 1] = window[3]
  result[#result + 1] = rcall('ZCOUNT', logKey, '(' .. (now - window[3]), now)
end
result[8] = nextSlot
return result
