--[[
  crawl-advance-14: moves a crawl forward atomically (docs/crawls.md). One call per finished page
  (and per batch of seed or sitemap URLs): record the page as finished once, dedupe and admit the
  URLs it found against the crawl's exact page limit, turn admitted URLs into BullMQ page jobs
  while the crawl holds fewer than its window of jobs, and decide completion. Deciding and
  enqueueing in one script is what makes a crash between them harmless: nothing is admitted
  without its job being queued (or waiting in the frontier), and nothing is enqueued twice.

  Needs `bullmqAddJob(KEYS, ARGV)` defined before it: BullMQ's own addStandardJob script body
  wrapped as a function (shared/crawls/crawl-scripts.ts prepends it).

  Input:
    KEYS[1] crawl hash           status, counters, limit, window, templates (shared/crawls/crawl-keys.ts)
    KEYS[2] frontier list        "<depth>|<canonical url>": admitted, no job yet (FIFO: breadth first)
    KEYS[3] done bitmap          bit n = page n finished (completed or failed)
    KEYS[4] in-flight set        ids of the crawl's page jobs queued or running
    KEYS[5..13] BullMQ addStandardJob keys: wait, paused, meta, id, completed, delayed, active, events, marker
    KEYS[14] exports due set     `crawl:<id>` is added when a crawl with an `export` completes (shared/exports/export-keys.ts)
    ARGV[1] op: "page" (page n finished), "seed" (admit seed or sitemap URLs), "seeded" (seeding
            is over), "fail" (the crawl failed: ARGV[3] says why)
    ARGV[2] page number n ("page"), else ""
    ARGV[3] "completed" | "failed" ("page"); the reason ("fail"); else ""
    ARGV[4] depth of the URLs below
    ARGV[5] now, ms since the epoch (job timestamps, crawl times)
    ARGV[6] links the worker dropped as out of scope (counted in skippedScope)
    ARGV[7] links the worker dropped as deeper than maxDepth (counted in skippedDepth)
    ARGV[8..] URL entries, three arguments each:
            flag "a" (admit if new), "r" (new or not, robots.txt disallows it), "s" (only mark as
            seen: the final URL a browser was redirected to)
            8-byte fingerprint of the canonical URL (its bucket: first 3 bytes mod buckets)
            canonical URL

  Output: { status, event, added, already, discoveryStopped }
    status   the crawl's status after the call ("unknown" when it does not exist)
    event    "completed" or "failed" when THIS call ended the crawl, else ""
    added    page jobs enqueued by this call
    already  1 when page n had already been recorded as finished (a re-run): nothing changed
    discoveryStopped  "", "limit", "maxDiscovered", "cancelled" or "failed": links are no
             longer examined, so workers may stop extracting them
]]
local rcall = redis.call
local crawl, frontier, doneKey, inflightKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local addKeys = { KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11], KEYS[12], KEYS[13] }
local op, now = ARGV[1], tonumber(ARGV[5])

local f = rcall('HMGET', crawl, 'status', 'limit', 'accepted', 'window', 'maxDiscovered', 'discovered',
  'buckets', 'seeding', 'discoveryStopped', 'crawlId', 'expireAt', 'seenPrefix', 'finishedAt')
local status = f[1]
if not status then return { 'unknown', '', 0, 0, '' } end
local limit, accepted, window = tonumber(f[2]), tonumber(f[3]), tonumber(f[4])
local maxDiscovered, discovered, buckets = tonumber(f[5]), tonumber(f[6]), tonumber(f[7])
local seeding, stopped, crawlId, expireAt, seenPrefix = f[8], f[9] or '', f[10], tonumber(f[11]), f[12]
local event = ''

--- @include "crawl-functions"

if op == 'page' then
  local n = tonumber(ARGV[2])
  if rcall('SETBIT', doneKey, n, 1) == 1 then return { status, '', 0, 1, stopped } end
  rcall('SREM', inflightKey, crawlId .. '-p' .. n)
  rcall('HINCRBY', crawl, ARGV[3] == 'completed' and 'completed' or 'failed', 1)
elseif op == 'seeded' then
  rcall('HSET', crawl, 'seeding', '0')
  seeding = '0'
elseif op == 'fail' and status == 'running' then
  status = 'failed'
  event = 'failed'
  stopped = 'failed'
  rcall('HSET', crawl, 'status', status, 'error', ARGV[3], 'discoveryStopped', stopped)
  crawlCount(crawl, 'cancelledPages', rcall('LLEN', frontier))
  rcall('DEL', frontier)
  crawlForgetSeen(seenPrefix, buckets)
end

-- Discovery: only while running and not stopped.
if status == 'running' and stopped == '' then
  crawlCount(crawl, 'skippedScope', tonumber(ARGV[6]))
  crawlCount(crawl, 'skippedDepth', tonumber(ARGV[7]))
  local depth = ARGV[4]
  local dup, robots, overLimit, newUrls, admitted = 0, 0, 0, 0, 0
  for i = 8, #ARGV - 2, 3 do
    local flag, fp, url = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    local b1, b2, b3 = string.byte(fp, 1, 3)
    local bucket = seenPrefix .. (((b1 * 256 + b2) * 256 + b3) % buckets)
    if rcall('HSETNX', bucket, fp, '') == 0 then
      if flag ~= 's' then dup = dup + 1 end
    else
      if rcall('HLEN', bucket) == 1 then rcall('PEXPIREAT', bucket, expireAt) end
      if flag ~= 's' then
        newUrls = newUrls + 1
        if flag == 'r' then
          robots = robots + 1
        elseif accepted + admitted < limit then
          admitted = admitted + 1
          rcall('RPUSH', frontier, depth .. '|' .. url)
        else
          overLimit = overLimit + 1
        end
        if discovered + newUrls >= maxDiscovered then stopped = 'maxDiscovered' break end
      end
    end
  end
  accepted = accepted + admitted
  if stopped == '' and accepted >= limit then stopped = 'limit' end
  if newUrls > 0 then rcall('HSET', crawl, 'discovered', discovered + newUrls, 'accepted', accepted) end
  crawlCount(crawl, 'skippedDuplicate', dup)
  crawlCount(crawl, 'skippedRobots', robots)
  crawlCount(crawl, 'skippedLimit', overLimit)
  if stopped ~= '' then
    rcall('HSET', crawl, 'discoveryStopped', stopped)
    crawlForgetSeen(seenPrefix, buckets)
  end
end

-- Refill the window from the frontier, then decide completion.
local added = 0
local inflight = rcall('SCARD', inflightKey)
if status == 'running' then
  if inflight < window then added = crawlRefill(window - inflight) end
  inflight = inflight + added
  if seeding == '0' and inflight == 0 and rcall('LLEN', frontier) == 0 then
    status = 'completed'
    event = 'completed'
    rcall('HSET', crawl, 'status', status)
    -- Its export is due in the same step, so a crash after this script cannot lose it (the
    -- workers' sweep enqueues what the finishing worker did not).
    if rcall('HEXISTS', crawl, 'export') == 1 then
      rcall('HSET', crawl, 'exportState', 'due')
      rcall('ZADD', KEYS[14], now, 'crawl:' .. crawlId)
    end
  end
end
if status ~= 'running' and inflight == 0 and not f[13] then crawlFinish(crawl, now) end
for _, key in ipairs({ frontier, doneKey, inflightKey }) do rcall('PEXPIREAT', key, expireAt) end
return { status, event, added, 0, stopped }
