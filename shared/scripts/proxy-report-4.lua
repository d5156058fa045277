--[[
  proxy-report-4: what one job's proxy did, for the whole fleet. A failed proxy (it refused the
  connection or the credentials) and a blocked one (the site answered 403/429 through it) cool
  down for everyone, longer after each failure in a row; a session pinned to it is dropped. A
  blocked domain on "auto" counts towards moving up a tier. A success clears the proxy's
  failures and keeps the session's cookie jar.

  Input:
    KEYS[1] cooldown zset   proxy id -> cooling until (epoch ms)
    KEYS[2] health hash     proxy id -> failures in a row
    KEYS[3] session hash    `proxy`, `jar`; only touched when ARGV[9] is 1
    KEYS[4] domain tier     `tier`, `blocks`, `since`
    ARGV[1] 'ok' | 'failed' | 'blocked'
    ARGV[2] proxy id ('' for a direct request on "auto")
    ARGV[3] first cooldown, ms (doubles per failure in a row)
    ARGV[4] longest cooldown, ms
    ARGV[5] the job's tier (-1 when not on "auto")
    ARGV[6] number of tiers
    ARGV[7] blocks in a row that move a domain up a tier
    ARGV[8] how long tier state outlives its last change, ms
    ARGV[9] 1 when KEYS[3] is the job's session
    ARGV[10] session TTL, ms
    ARGV[11] the session's cookie jar after the job (JSON text; '' leaves it as it is)

  Output: {cooling until (0 when not cooled), the domain's tier after this (-1 when not on "auto")}
]]
local rcall = redis.call

--- @include "redis-now"

local now = redisNowMs()
local outcome, id = ARGV[1], ARGV[2]
local tier = tonumber(ARGV[5])
local cooled = 0

if outcome == 'ok' then
  if id ~= '' then rcall('HDEL', KEYS[2], id) end
  if ARGV[9] == '1' and rcall('HGET', KEYS[3], 'proxy') == id then
    if ARGV[11] ~= '' then rcall('HSET', KEYS[3], 'jar', ARGV[11]) end
    rcall('PEXPIRE', KEYS[3], ARGV[10])
  end
  if tier >= 0 then rcall('HSET', KEYS[4], 'blocks', 0) end
else
  if id ~= '' then
    local failures = rcall('HINCRBY', KEYS[2], id, 1)
    local wait = math.min(tonumber(ARGV[3]) * 2 ^ math.min(failures - 1, 20), tonumber(ARGV[4]))
    cooled = now + math.floor(wait)
    local current = tonumber(rcall('ZSCORE', KEYS[1], id))
    if not current or current < cooled then rcall('ZADD', KEYS[1], cooled, id) end
    if ARGV[9] == '1' and rcall('HGET', KEYS[3], 'proxy') == id then rcall('DEL', KEYS[3]) end
  end
  if outcome == 'blocked' and tier >= 0 then
    local blocks = rcall('HINCRBY', KEYS[4], 'blocks', 1)
    if blocks >= tonumber(ARGV[7]) and tier + 1 < tonumber(ARGV[6]) then
      tier = tier + 1
      rcall('HSET', KEYS[4], 'tier', tier, 'blocks', 0, 'since', now)
    end
  end
end
if tier >= 0 then rcall('PEXPIRE', KEYS[4], ARGV[8]) end
-- The health hash and cooldown set hold one entry per proxy at most: a day without news drops them.
rcall('PEXPIRE', KEYS[2], 86400000)
rcall('PEXPIRE', KEYS[1], math.max(86400000, cooled - now))
return {cooled, tier}
