--[[
  domain-acquire-4: one politeness decision for one job on one domain, atomically, on Redis's
  clock, in one round trip (rates, concurrency lease, cooldown, slot reservation).

  Input:
    KEYS[1] limits hash   per-domain overrides: rates "max/perMs,...", concurrency
    KEYS[2] log zset      grants "g:<ms>:<seq>" and reservations "r:<jobId>", scored by slot ms
    KEYS[3] leases zset   lease ids "<startMs>-<seq>-<jobId>", scored by expiry ms
    KEYS[4] state hash    cooldownUntil, seq, holdMs (moving average of lease hold time)

    ARGV[1] job id: names the job's reservation, so the job claims its slot when it returns
    ARGV[2] default rates "max/perMs,..." (empty: no rate limit)
    ARGV[3] default concurrency (0: no cap)
    ARGV[4] safety margin, a fraction (0.03 stretches every window by 3 %)
    ARGV[5] claim grace ms: how late a job may still claim its reserved slot
    ARGV[6] in-process wait ms: a slot at most this far ahead is granted (the caller sleeps)
    ARGV[7] lease TTL ms (a crashed worker's lease frees itself after this)
    ARGV[8] minimum interval ms between grants (robots.txt Crawl-delay), 0 for none

  Output:
    {1, grantAt, now, leaseId, slot}  granted: send the request at grantAt (now <= grantAt);
                                   slot <= grantAt is the log entry (grantAt - slot <= grace)
    {0, eligibleAt, now, reason}   denied: the job now holds the slot eligibleAt;
                                   reason is "rate", "concurrency" or "cooldown"

  Invariant: for every window, any half-open interval of spanMs holds at most max log entries.
  New entries only go at or after the last one (the tail), where checking the max-th most
  recent entry is enough. Entries are only ever removed, never moved, which cannot break it.
]]
local rcall = redis.call

--- @include "redis-now"
--- @include "effective-limits"
--- @include "extend-ttl"

local limitsKey, logKey, leasesKey, stateKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local jobId = ARGV[1]
local graceMs = tonumber(ARGV[5])
local waitMs = tonumber(ARGV[6])
local leaseTtl = tonumber(ARGV[7])

local now = redisNowMs()
local windows, concurrency, longest =
  effectiveLimits(limitsKey, ARGV[2], ARGV[3], tonumber(ARGV[4]), graceMs, tonumber(ARGV[8]))
local state = rcall('HMGET', stateKey, 'cooldownUntil', 'holdMs')
local cooldownUntil = tonumber(state[1]) or 0
local holdMs = tonumber(state[2]) or 0

-- Entries older than the longest span can no longer constrain a new slot.
rcall('ZREMRANGEBYSCORE', logKey, '-inf', now - longest)
-- Expired leases belong to workers that died without releasing: their slots are free again.
rcall('ZREMRANGEBYSCORE', leasesKey, '-inf', now)
local leaseFree = concurrency <= 0 or rcall('ZCARD', leasesKey) < concurrency

local function keep(slot)
  local ahead = math.max(slot, cooldownUntil, now) - now
  extendTtl(logKey, ahead + longest + 60000)
  extendTtl(stateKey, ahead + longest + leaseTtl + 3600000)
end

local function grant(slot, at)
  local seq = rcall('HINCRBY', stateKey, 'seq', 1)
  rcall('ZADD', logKey, slot, 'g:' .. now .. ':' .. seq)
  local leaseId = now .. '-' .. seq .. '-' .. jobId
  rcall('ZADD', leasesKey, now + leaseTtl, leaseId)
  extendTtl(leasesKey, leaseTtl + 60000)
  keep(slot)
  return {1, at, now, leaseId, slot}
end

local member = 'r:' .. jobId
local reserved = tonumber(rcall('ZSCORE', logKey, member))
if reserved then
  -- Came back early (the queue's timer is coarse): keep the slot, come back later.
  if now < reserved - waitMs then return {0, reserved, now, 'rate'} end
  local at = math.max(now, reserved)
  rcall('ZREM', logKey, member)
  -- On time: the job claims its own slot; the entry keeps its score (spans include graceMs).
  if now <= reserved + graceMs and cooldownUntil <= at and leaseFree then
    return grant(reserved, at)
  end
  -- Too late, cooling down or no lease free: the slot is given up (a hole is always safe)
  -- and the job queues again at the tail like a new one.
end

local reason = 'rate'
local at = now
local tail = rcall('ZRANGE', logKey, -1, -1, 'WITHSCORES')
if tail[2] then at = math.max(at, tonumber(tail[2])) end
for _, window in ipairs(windows) do
  local kth = rcall('ZRANGE', logKey, -window[1], -window[1], 'WITHSCORES')
  if kth[2] then at = math.max(at, tonumber(kth[2]) + window[2]) end
end
if cooldownUntil > at then
  at = cooldownUntil
  reason = 'cooldown'
end

if at <= now + waitMs and leaseFree then return grant(at, at) end

local hold = holdMs > 0 and holdMs or waitMs
if at <= now + waitMs then
  -- No lease free: come back when the oldest lease should end, by the usual hold time.
  reason = 'concurrency'
  local oldest = rcall('ZRANGE', leasesKey, 0, 0)
  local started = oldest[1] and tonumber(string.match(oldest[1], '^(%d+)-')) or now
  at = math.max(started + hold, now + waitMs + 1)
end
if concurrency > 0 then
  -- At most `concurrency` slots per hold time: a burst of slots larger than the cap would only
  -- find the leases taken and be given up. (Scheduling only; the leases enforce the cap.)
  local kth = rcall('ZRANGE', logKey, -concurrency, -concurrency, 'WITHSCORES')
  if kth[2] and tonumber(kth[2]) + hold > at then
    at = tonumber(kth[2]) + hold
    if reason == 'rate' then reason = 'concurrency' end
  end
end

rcall('ZADD', logKey, at, member)
keep(at)
return {0, at, now, reason}
