--[[
  domain-cooldown-2: pauses a domain fleet-wide until a time (a 429/503 with Retry-After), and
  counts the cooldown retries of the job that met it, in the same call.
  Never shortens a cooldown already in force.

  Input:
    KEYS[1] state hash    cooldownUntil
    KEYS[2] the job's cooldown counter (a string, `<prefix>:cooldowns:<jobId>`); untouched
            unless ARGV[3] is 1
    ARGV[1] cooldown-until, epoch ms
    ARGV[2] how long to keep the state after the cooldown ends, ms
    ARGV[3] 1: this cooldown is a free retry of the job, count it; 0: do not
    ARGV[4] lifetime of the counter after its last increment, ms

  Output: {cooldownUntil in force, now, the job's cooldowns so far (0 when not counted)}
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
local count = 0
if ARGV[3] == '1' then
  count = rcall('INCR', KEYS[2])
  rcall('PEXPIRE', KEYS[2], ARGV[4])
end
return {current, now, count}
