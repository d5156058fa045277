--[[
  Functions of the crawl scripts (crawl-advance, crawl-cancel). They read the locals the
  including script set: rcall, crawl, frontier, inflightKey, addKeys, crawlId, now.
]]

-- HINCRBY only what moved (a page usually moves two or three counters of the seven).
local function crawlCount(key, field, by)
  if by and by > 0 then rcall('HINCRBY', key, field, by) end
end

-- The dedupe buckets are only needed while links are examined: free them once discovery stops.
local function crawlForgetSeen(seenPrefix, buckets)
  for b = 0, buckets - 1 do rcall('UNLINK', seenPrefix .. b) end
end

-- A finished crawl keeps its record (for GET /v1/crawls/:id) for its retention; the rest goes.
local function crawlFinish(key, at)
  local retention = tonumber(rcall('HGET', key, 'retentionMs'))
  rcall('HSET', key, 'finishedAt', at)
  rcall('DEL', frontier, inflightKey)
  if retention then rcall('PEXPIRE', key, retention) end
end

-- The politeness domain of a canonical URL, as shared/domain-key.ts computes it (the canonical
-- form already has a lower-case host, no default port and no credentials).
local function crawlDomain(url)
  local authority = string.match(url, '^https?://([^/?#]*)') or ''
  local host, port = string.match(authority, '^(.-)(:%d+)$')
  if not host then host, port = authority, '' end
  return (string.gsub(host, '%.$', '')) .. port
end

-- Pops up to `room` admitted URLs and adds each one's page job with BullMQ's own script: job
-- id "<crawlId>-p<n>", data from the crawl's templates (the request with this URL, the crawl's
-- page number and depth). Returns how many were added.
local function crawlRefill(room)
  local t = rcall('HMGET', crawl, 'dataHead', 'dataMid', 'jobArgs', 'jobOpts')
  local args, opts = cjson.decode(t[3]), cjson.decode(t[4])
  local added = 0
  while added < room do
    local entry = rcall('LPOP', frontier)
    if not entry then break end
    local sep = string.find(entry, '|', 1, true)
    local depth, url = string.sub(entry, 1, sep - 1), string.sub(entry, sep + 1)
    local n = rcall('HINCRBY', crawl, 'nextPage', 1)
    local jobId = crawlId .. '-p' .. n
    local data = t[1] .. cjson.encode(url) .. t[2] .. cjson.encode(crawlDomain(url))
      .. ',"crawl":{"id":' .. cjson.encode(crawlId) .. ',"n":' .. n .. ',"depth":' .. depth .. '},"acceptedAt":' .. now .. '}'
    args[2] = jobId
    args[4] = now
    opts['jobId'] = jobId
    bullmqAddJob(addKeys, { cmsgpack.pack(args), data, cmsgpack.pack(opts) })
    rcall('SADD', inflightKey, jobId)
    added = added + 1
  end
  if added > 0 then rcall('HINCRBY', crawl, 'jobs', added) end
  return added
end
