--[[
  domain-cooldown-1: pauses a domain fleet-wide until a time (a 429/503 with Retry-After).
  Never shortens a cooldown already in force.

  Input:
    KEYS[1] state hash    cooldownUntil
    ARGV[1] cooldown-until, epoch ms
    ARGV[2] how long to keep the state after the cooldown ends, ms

  Output: {cooldownUntil in force, now}
]]
local rcall = redis.call

--- @include "redis-now"
--- @include "extend-ttl"

local now = redisNowMs()
local untilMs = math.floor(tonumber(ARGV[1]))
local current = tonumber(rcall('HGET', KEYS[1], 'cooldownUntil')) or 0
if untilMs > current then
  rcall('HSET', KEYS[1], 'cooldownUntil', untilMs)
  current = untilMs
end
if current > now then extendTtl(KEYS[1], current - now + tonumber(ARGV[2])) end
return {current, now}
