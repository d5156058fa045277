--[[
  sse-stream-open-1: takes one of an API key's event-stream slots, fleet-wide, or says how many
  are open. A slot is an entry scored by when its stream must have ended (Redis's clock), so a
  stream whose isolate was killed before it could give its slot back frees it by itself.

  Input:
    KEYS[1] the key's stream set   stream ids scored by expiry ms
    ARGV[1] stream id (random, one per request)
    ARGV[2] how long the stream may last, ms (its slot expires then)
    ARGV[3] the most streams the key may hold open

  Output:
    {1, open}              taken: open counts this stream too
    {0, open, retryMs}     refused: open streams, and ms until the first of them expires
]]
local rcall = redis.call

--- @include "redis-now"

local now = redisNowMs()
local lifetime = tonumber(ARGV[2])
rcall('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local open = rcall('ZCARD', KEYS[1])
if open >= tonumber(ARGV[3]) then
  local first = rcall('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, open, math.max(tonumber(first[2]) - now, 0)}
end
rcall('ZADD', KEYS[1], now + lifetime, ARGV[1])
-- The newest slot expires last, so its lifetime (plus a margin) is the set's TTL.
rcall('PEXPIRE', KEYS[1], lifetime + 60000)
return {1, open + 1}
