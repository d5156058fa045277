--[[
  crawl-create-10: stores a new crawl's record and queues its seed job (which fetches robots.txt
  and sitemaps and admits the seeds) in one atomic script, or answers the existing crawl when
  the id is taken (an idempotency key sent again).

  Needs `bullmqAddJob(KEYS, ARGV)` defined before it (shared/crawls/crawl-scripts.ts).

  Input:
    KEYS[1] crawl hash
    KEYS[2..10] BullMQ addStandardJob keys: wait, paused, meta, id, completed, delayed, active, events, marker
    ARGV[1] the record's fields, a JSON object of strings (shared/crawls/crawl-record.ts)
    ARGV[2] seed job: BullMQ's msgpack arguments array, as JSON
    ARGV[3] seed job: its data, JSON
    ARGV[4] seed job: BullMQ's msgpack options, as JSON
    ARGV[5] how long the record lives at most, ms (a finished crawl's is cut to its retention)

  Output: { created (1|0), status }
]]
local rcall = redis.call
local existing = rcall('HGET', KEYS[1], 'status')
if existing then return { 0, existing } end
local fields = cjson.decode(ARGV[1])
local flat = {}
for name, value in pairs(fields) do
  flat[#flat + 1] = name
  flat[#flat + 1] = value
end
rcall('HSET', KEYS[1], unpack(flat))
rcall('PEXPIRE', KEYS[1], ARGV[5])
local addKeys = { KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10] }
local result = bullmqAddJob(addKeys, { cmsgpack.pack(cjson.decode(ARGV[2])), ARGV[3], cmsgpack.pack(cjson.decode(ARGV[4])) })
if type(result) == 'number' and result < 0 then
  rcall('DEL', KEYS[1])
  return redis.error_reply('BullMQ refused the seed job: ' .. result)
end
return { 1, 'running' }
