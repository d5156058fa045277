--[[
  artifact-sweep-claim-1: takes up to N artifact keys whose expiry has passed, for one sweeper
  to delete, and leases them: their score moves to now + lease, so other sweepers skip them and
  a sweeper that dies before deleting leaves them to the next sweep after the lease.

  Input:
    KEYS[1] expiry zset   artifact keys scored by when they expire, epoch ms
    ARGV[1] most keys to take
    ARGV[2] lease ms

  Output: {leaseScore, key1, key2, ...} (just {leaseScore} when nothing is due)
]]
local rcall = redis.call

--- @include "redis-now"

local now = redisNowMs()
local due = rcall('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local lease = now + tonumber(ARGV[2])
local out = {lease}
for _, key in ipairs(due) do
  rcall('ZADD', KEYS[1], 'XX', lease, key)
  out[#out + 1] = key
end
return out
