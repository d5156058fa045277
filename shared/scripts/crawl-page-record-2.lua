--[[
  crawl-page-record-2: appends a finished page's record to its crawl's page list in the result
  store, once per page whatever the re-runs (the page list is what GET /v1/crawls/:id/pages
  reads; results stay under their page job's result key).

  Input:
    KEYS[1] page list     JSON records in the order pages finished
    KEYS[2] recorded bitmap  bit n = page n has its record
    ARGV[1] page number n
    ARGV[2] the record (JSON; starts with {"status":"<completed|failed>" so a filter can match its head)
    ARGV[3] lifetime of both keys, seconds (the results' TTL)

  Output: 1 appended, 0 already there
]]
local appended = 0
if redis.call('SETBIT', KEYS[2], ARGV[1], 1) == 0 then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  appended = 1
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return appended
