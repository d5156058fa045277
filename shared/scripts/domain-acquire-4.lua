--[[
  domain-acquire-4: one politeness decision for one job on one domain, atomically, on Redis's
  clock, in one round trip (rates, concurrency lease, cooldown, slot reservation).

  Input:
    KEYS[1] limits hash   per-domain overrides: rates "max/perMs,...", concurrency
    KEYS[2] log zset      grants "g:<ms>:<jobId>" and reservations "r:<jobId>", scored by slot ms
    KEYS[3] leases zset   lease ids "<startMs>-<jobId>", scored by expiry ms
    KEYS[4] state hash    cooldownUntil, holdMs (moving average of lease hold time); only read here

    ARGV[1] job id: names the job's reservation, so the job claims its slot when it returns
    ARGV[2] default rates "max/perMs,..." (empty: no rate limit)
    ARGV[3] default concurrency (0: no cap)
    ARGV[4] safety margin, a fraction (0.03 stretches every window by 3 %)
    ARGV[5] claim grace ms: how late a job may still claim its reserved slot
    ARGV[6] in-process wait ms: a slot at most this far ahead is granted (the caller sleeps)
    ARGV[7] lease TTL ms (a crashed worker's lease frees itself after this)
    ARGV[8] minimum interval ms between grants (robots.txt Crawl-delay), 0 for none
    ARGV[9] "1" when the job cannot hold a reservation (its first start): skips looking for one

  Output:
    {1, grantAt, now, leaseId, slot}  granted: send the request at grantAt (now <= grantAt);
                                   slot <= grantAt is the log entry (grantAt - slot <= grace);
                                   leaseId is '' on a domain without a concurrency cap
    {2, slotAt, now, reason}       hold: the job holds the slot slotAt, at most ARGV[6] ahead, on
                                   a concurrency-capped domain: sleep in-process until slotAt and
                                   call again to claim it (the lease starts only then)
    {0, eligibleAt, now, reason}   denied: the job now holds the slot eligibleAt;
                                   reason is "rate", "concurrency" or "cooldown"

  Invariant: for every window, any half-open interval of spanMs holds at most max log entries.
  New entries only go at or after the last one (the tail), where checking the max-th most
  recent entry is enough. Entries are only ever removed, never moved, which cannot break it.

  Concurrency: a lease counts from the moment its request may start until it is released. On a
  capped domain no lease is handed out ahead of its slot (a lease held through an in-process
  wait would block the cap for nothing: that cost a 20/s + concurrency-2 domain a third of its
  rate); the job holds the slot instead and claims the lease at the slot.

  Cost (Upstash bills every command a script runs): no counter is written, each TTL is set by
  one PEXPIRE computed from the furthest entry (no TTL read), and old log entries are trimmed on
  about one call in 8 (by Redis's microsecond clock): a stale entry costs memory until then,
  never a wrong answer, since every check reads the log from its tail.
]]
local rcall = redis.call

--- @include "redis-now"
--- @include "effective-limits"

local limitsKey, logKey, leasesKey, stateKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local jobId = ARGV[1]
local graceMs = tonumber(ARGV[5])
local waitMs = tonumber(ARGV[6])
local leaseTtl = tonumber(ARGV[7])

local now, micros = redisNowMs()
local windows, concurrency, longest =
  effectiveLimits(limitsKey, ARGV[2], ARGV[3], tonumber(ARGV[4]), graceMs, tonumber(ARGV[8]))
local state = rcall('HMGET', stateKey, 'cooldownUntil', 'holdMs')
local cooldownUntil = tonumber(state[1]) or 0
local holdMs = tonumber(state[2]) or 0

-- Entries older than the longest span can no longer constrain a new slot.
if micros % 8 == 0 then rcall('ZREMRANGEBYSCORE', logKey, '-inf', now - longest) end
local capped = concurrency > 0
-- Expired leases belong to workers that died without releasing: their slots are free again.
if capped then rcall('ZREMRANGEBYSCORE', leasesKey, '-inf', now) end
local leaseFree = not capped or rcall('ZCARD', leasesKey) < concurrency

-- Adds a log entry. At the tail (every new slot is the log's last), its distance is the TTL
-- the whole log needs; a claimed reservation's slot was covered when it was reserved. (The
-- state hash gets its TTL from the scripts that write it: release and cooldown.)
local function addToLog(slot, member, atTail)
  rcall('ZADD', logKey, slot, member)
  if atTail then rcall('PEXPIRE', logKey, math.max(slot - now, 0) + longest + 60000) end
end

local function grant(slot, at, atTail)
  -- A job is granted at most once per ms: time and job id name the entry uniquely.
  addToLog(slot, 'g:' .. now .. ':' .. jobId, atTail)
  -- Only a capped domain needs leases (an uncapped one would pay a release round trip per job
  -- for nothing). The lease starts when the request may; release measures the hold from there.
  local leaseId = ''
  if capped then
    leaseId = at .. '-' .. jobId
    rcall('ZADD', leasesKey, at + leaseTtl, leaseId)
    rcall('PEXPIRE', leasesKey, at - now + leaseTtl + 60000) -- no lease outlives the newest
  end
  return {1, at, now, leaseId, slot}
end

local member = 'r:' .. jobId
local reserved = ARGV[9] ~= '1' and tonumber(rcall('ZSCORE', logKey, member))
if reserved then
  -- Came back early (the queue's timer is coarse): keep the slot, come back later.
  if now < reserved - waitMs then return {0, reserved, now, 'rate'} end
  -- Capped domain, slot still ahead: sleep to it in-process, claim the lease then.
  if capped and now < reserved then return {2, reserved, now, 'rate'} end
  local at = math.max(now, reserved)
  -- On time but both leases still busy (a request ran longer than the average): wait a few ms
  -- in-process rather than give the slot up, as long as the claim stays within the grace.
  if capped and not leaseFree and cooldownUntil <= at and now + 5 <= reserved + graceMs then
    return {2, now + 5, now, 'concurrency'}
  end
  rcall('ZREM', logKey, member)
  -- On time: the job claims its own slot; the entry keeps its score (spans include graceMs).
  if now <= reserved + graceMs and cooldownUntil <= at and leaseFree then
    return grant(reserved, at, false)
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

if at <= now + waitMs and (not capped or (at <= now and leaseFree)) then return grant(at, at, true) end

-- Until a lease has been released the hold time is a guess: 100 ms, a quick page. (The wait
-- window was the guess before; at 400 ms it held a 20/s domain to 5/s for its first seconds.)
-- Slots are spaced by 1.25 x the average plus 5 ms: spaced by the bare average, about half the
-- claims found the lease still taken (a request longer than average) and gave their slot up;
-- at 1.5 x + 10 ms claims hardly failed but the spacing itself cost a fifth of the rate.
local hold = holdMs > 0 and math.floor(holdMs * 1.25) + 5 or 100
if capped and at <= now then
  -- No lease free: come back when the oldest lease should end, by the usual hold time (never
  -- sooner than a quarter of it, so a lease outliving its estimate is not polled for).
  reason = 'concurrency'
  local oldest = rcall('ZRANGE', leasesKey, 0, 0)
  local started = oldest[1] and tonumber(string.match(oldest[1], '^(%d+)-')) or now
  at = math.max(started + hold, now + math.ceil(hold / 4) + 1)
end
if capped then
  -- At most `concurrency` slots per hold time: a burst of slots larger than the cap would only
  -- find the leases taken and be given up. (Scheduling only; the leases enforce the cap.)
  local kth = rcall('ZRANGE', logKey, -concurrency, -concurrency, 'WITHSCORES')
  if kth[2] and tonumber(kth[2]) + hold > at then
    at = tonumber(kth[2]) + hold
    if reason == 'rate' then reason = 'concurrency' end
  end
end

addToLog(at, member, true)
if capped and at <= now + waitMs then return {2, at, now, reason} end
return {0, at, now, reason}
