--[[
  artifact-sweep-done-1: forgets the artifact keys a sweeper deleted, unless one was stored
  again meanwhile (a re-run job wrote it anew: its score is its new expiry, not the lease).

  Input:
    KEYS[1] expiry zset   artifact keys scored by when they expire, epoch ms
    ARGV[1] the lease score artifact-sweep-claim-1 returned
    ARGV[2..] the keys deleted

  Output: how many keys were forgotten
]]
local rcall = redis.call
local lease = tonumber(ARGV[1])
local removed = 0
for i = 2, #ARGV do
  if tonumber(rcall('ZSCORE', KEYS[1], ARGV[i])) == lease then
    removed = removed + rcall('ZREM', KEYS[1], ARGV[i])
  end
end
return removed
