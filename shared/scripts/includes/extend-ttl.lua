--[[
  Sets a key's TTL to ttlMs unless it already lives longer: TTLs only grow, so an entry added
  by one call can never be dropped early by a later call with a shorter horizon.
]]
local function extendTtl(key, ttlMs)
  local current = redis.call('PTTL', key)
  if current == -1 or (current >= 0 and current < ttlMs) then
    redis.call('PEXPIRE', key, ttlMs)
  end
end
