--[[
  proxy-pick-5: chooses the proxy one job goes out through, for the whole fleet, in one call:
  the job's choice (else the domain's default, else the fleet's), the domain's tier for "auto",
  a sticky session's pinned proxy while it is usable, otherwise the pool's next proxy in
  round-robin order that is not cooling down.

  Input:
    KEYS[1] rotation hash   `rr:<pool>` counters
    KEYS[2] cooldown zset   proxy id -> cooling until (epoch ms)
    KEYS[3] session hash    `proxy` (pinned id), `jar` (cookies, JSON text); only read when ARGV[6] is 1
    KEYS[4] domain limits   field `proxy`: the domain's default choice
    KEYS[5] domain tier     `tier`, `blocks`, `since` (epoch ms the tier was entered)
    ARGV[1] the job's choice: '' (none given), 'none', 'auto', 'pool:<name>'
    ARGV[2] the fleet's default choice, same form
    ARGV[3] session TTL, ms
    ARGV[4] how long a domain stays on a tier above 0 before trying the one below, ms
    ARGV[5] tiers: pool names in order, comma-separated ('none' = direct)
    ARGV[6] 1 when KEYS[3] is the job's session, else 0
    ARGV[7..] one per pool: '<name>=<id>,<id>,...'

  Output:
    {'direct', '', '', tier}                        go without a proxy
    {'proxy', pool, id, tier, session, jar}         session: 'none' | 'kept' | 'new' | 'moved'
    {'cooling', pool, retryMs, tier}                every proxy of the pool cools down
    {'unknown', pool, '', tier}                     no such pool on this worker
]]
local rcall = redis.call

--- @include "redis-now"

local now = redisNowMs()
rcall('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)

local choice = ARGV[1]
if choice == '' then choice = rcall('HGET', KEYS[4], 'proxy') or ARGV[2] end
if choice == '' or choice == 'none' then return {'direct', '', '', -1} end

local function split(text)
  local out = {}
  for item in string.gmatch(text, '[^,]+') do out[#out + 1] = item end
  return out
end

local tier = -1
local pool
if choice == 'auto' then
  local tiers = split(ARGV[5])
  if #tiers == 0 then return {'unknown', 'auto', '', -1} end
  local state = rcall('HMGET', KEYS[5], 'tier', 'since')
  tier = math.min(tonumber(state[1]) or 0, #tiers - 1)
  -- A domain that has been quiet on a higher tier long enough tries the one below again.
  if tier > 0 and (tonumber(state[2]) or 0) + tonumber(ARGV[4]) <= now then
    tier = tier - 1
    rcall('HSET', KEYS[5], 'tier', tier, 'since', now, 'blocks', 0)
  end
  pool = tiers[tier + 1]
  if pool == 'none' then return {'direct', '', '', tier} end
else
  pool = string.sub(choice, 6)
end

local ids
for i = 7, #ARGV do
  local name, list = string.match(ARGV[i], '^([^=]+)=(.*)$')
  if name == pool then ids = split(list) end
end
if not ids or #ids == 0 then return {'unknown', pool, '', tier} end

local function usable(id)
  local until_ = rcall('ZSCORE', KEYS[2], id)
  return not until_ or tonumber(until_) <= now
end

local session = 'none'
if ARGV[6] == '1' then
  local pinned = rcall('HMGET', KEYS[3], 'proxy', 'jar')
  if pinned[1] then
    for _, id in ipairs(ids) do
      if id == pinned[1] and usable(id) then
        rcall('PEXPIRE', KEYS[3], ARGV[3])
        return {'proxy', pool, id, tier, 'kept', pinned[2] or ''}
      end
    end
    session = 'moved'
  else
    session = 'new'
  end
end

local start = rcall('HINCRBY', KEYS[1], 'rr:' .. pool, 1)
local chosen
for i = 0, #ids - 1 do
  local id = ids[((start + i) % #ids) + 1]
  if usable(id) then
    chosen = id
    break
  end
end
if not chosen then
  local soonest
  for _, id in ipairs(ids) do
    local until_ = tonumber(rcall('ZSCORE', KEYS[2], id))
    if until_ and (not soonest or until_ < soonest) then soonest = until_ end
  end
  return {'cooling', pool, math.max((soonest or now) - now, 1), tier}
end
if session ~= 'none' then
  -- A new pin starts a new cookie jar: cookies a site tied to the old proxy's address go with it.
  rcall('DEL', KEYS[3])
  rcall('HSET', KEYS[3], 'proxy', chosen)
  rcall('PEXPIRE', KEYS[3], ARGV[3])
end
return {'proxy', pool, chosen, tier, session, ''}
