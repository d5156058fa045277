--[[
  list-jobs-1: one page of the jobs in one state, newest first, with each job's summary fields,
  optionally only the ids that start with a tenant's tag, in one round trip.

  Input:
    KEYS[1] the state's sorted set (completed, failed, delayed, prioritized) or list (wait, active)
    ARGV[1] "z" (sorted set, newest first) or "l" (list)
    ARGV[2] raw position to start at (the previous page's next position; 0 for the first page)
    ARGV[3] page size: the most jobs returned
    ARGV[4] queue base prefix: job hashes are ARGV[4] .. id
    ARGV[5] id prefix to keep ("<tag>." for a tenant; "" keeps every id)
    ARGV[6] the most ids examined (a tenant with few jobs among many others' is never worth an
            unbounded scan; the caller pages on from the returned position)

  Output: { size, next, id1, name1, url1, failedReason1, finishedOn1, attemptsMade1, id2, ... }
    size: the set's or list's length; next: the raw position after the last id examined,
    -1 when the end was reached. A filtered page may hold fewer than ARGV[3] jobs while next
    is not -1: the window ran out before the page filled.
]]
local rcall = redis.call
local sorted = ARGV[1] == 'z'
local start, limit, base, keep = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
local budget = math.max(tonumber(ARGV[6]), limit)
local size = sorted and rcall('ZCARD', KEYS[1]) or rcall('LLEN', KEYS[1])
local stop = math.min(size, start + budget)
-- Unfiltered, one range call reads exactly the page; filtered, a few calls of twice the page
-- (at least 100) stop as soon as the page is full.
local chunk = keep == '' and limit or math.max(limit * 2, 100)

local matched = {}
local pos = start
while #matched < limit and pos < stop do
  local last = math.min(pos + chunk, stop) - 1
  local ids = sorted and rcall('ZREVRANGE', KEYS[1], pos, last) or rcall('LRANGE', KEYS[1], pos, last)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    pos = pos + 1
    if keep == '' or string.sub(id, 1, #keep) == keep then
      matched[#matched + 1] = id
      if #matched == limit then break end
    end
  end
end

local out = { size, pos < size and pos or -1 }
for _, id in ipairs(matched) do
  local f = rcall('HMGET', base .. id, 'name', 'data', 'failedReason', 'finishedOn', 'atm')
  local url = false
  if f[2] then
    local ok, decoded = pcall(cjson.decode, f[2])
    if ok and type(decoded) == 'table' and type(decoded.request) == 'table' then url = decoded.request.url or false end
  end
  for _, v in ipairs({ id, f[1] or false, url, f[3] or false, f[4] or false, f[5] or false }) do out[#out + 1] = v end
end
return out
