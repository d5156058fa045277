--[[
  Redis's own clock in epoch milliseconds: one clock for the whole fleet, whatever the
  workers' clocks say. Second value: the microseconds within the second (a cheap coin to toss).
]]
local function redisNowMs()
  local time = redis.call('TIME')
  local micros = tonumber(time[2])
  return tonumber(time[1]) * 1000 + math.floor(micros / 1000), micros
end
