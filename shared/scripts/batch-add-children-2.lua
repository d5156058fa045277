--[[
  batch-add-children-2: counts the child jobs a task of a batch adds (ctx.enqueue) into the
  batch, once per child id whatever the parent's re-runs: they join `total` (so completed +
  failed + cancelled + pending still balance once they finish and are counted) and `children`
  (so the edge can tell them from the items the batch was submitted with).

  Input:
    KEYS[1] batch record   hash of the batch's counters (shared/batch-keys.ts)
    KEYS[2] children set   ids of the children counted so far
    ARGV[1] lifetime of both keys, seconds (the batch's TTL)
    ARGV[2..] child job ids

  Output: how many ids were new (counted now); -1 when the batch record no longer exists
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local added = 0
for i = 2, #ARGV do
  added = added + redis.call('SADD', KEYS[2], ARGV[i])
end
if added > 0 then
  redis.call('HINCRBY', KEYS[1], 'total', added)
  redis.call('HINCRBY', KEYS[1], 'children', added)
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return added
