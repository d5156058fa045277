--[[
  Redis's own clock in epoch milliseconds: one clock for the whole fleet, whatever the
  workers' clocks say.
]]
local function redisNowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
