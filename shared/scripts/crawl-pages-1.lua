--[[
  crawl-pages-1: one page of a crawl's page records (result store), optionally only those of one
  status, scanning at most a bounded window of records per call (like list-jobs-1: a filter that
  matches rarely never makes one request scan a million records; the caller follows `next`).

  Input:
    KEYS[1] page list (JSON records, each starting with {"status":"<status>")
    ARGV[1] position to start at (0 first; the previous page's next)
    ARGV[2] page size: the most records returned
    ARGV[3] status to keep ("" keeps all)
    ARGV[4] the most records examined

  Output: { size, next, record1, record2, ... }; next = -1 at the end of the list
]]
local start, limit, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local budget = math.max(tonumber(ARGV[4]), limit)
local size = redis.call('LLEN', KEYS[1])
local stop = math.min(size, start + budget)
local head = '{"status":"' .. keep .. '"'
local out = { size, -1 }
local position = start
local chunk = keep == '' and limit or math.max(limit * 2, 100)
while position < stop and #out - 2 < limit do
  local last = math.min(stop, position + chunk) - 1
  local records = redis.call('LRANGE', KEYS[1], position, last)
  for i, record in ipairs(records) do
    if keep == '' or string.sub(record, 1, #head) == head then
      out[#out + 1] = record
      if #out - 2 >= limit then
        position = position + i
        break
      end
    end
    if i == #records then position = last + 1 end
  end
  if #records == 0 then break end
end
if position < size then out[2] = position end
return out
