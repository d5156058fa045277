--[[
  Resolves one domain's effective windows and concurrency cap.

  The override hash (fields `rates` = "max/perMs,...", `concurrency`) wins field by field over
  the fleet defaults. Each window's span is stretched to round(perMs * (1 + margin)) + graceMs:
  the margin absorbs grant-to-request jitter, the grace lets a job claim its reserved slot up to
  graceMs late (see docs/politeness.md). A Crawl-delay becomes one more window, 1 per interval.

  Returns: windows {{max, spanMs, perMs}, ...}, concurrency (0 = no cap), longest span,
  1 when the domain has an override else 0.
]]
local function effectiveLimits(limitsKey, defaultRates, defaultConcurrency, margin, graceMs, minIntervalMs)
  local override = redis.call('HMGET', limitsKey, 'rates', 'concurrency')
  local windows = {}
  local longest = 0
  local function addWindow(max, perMs)
    if max < 1 or perMs < 1 then return end
    local span = math.floor(perMs * (1 + margin) + 0.5) + graceMs
    windows[#windows + 1] = {max, span, perMs}
    if span > longest then longest = span end
  end
  for max, perMs in string.gmatch(override[1] or defaultRates, '(%d+)/(%d+)') do
    addWindow(tonumber(max), tonumber(perMs))
  end
  if minIntervalMs > 0 then addWindow(1, minIntervalMs) end
  local concurrency = tonumber(override[2]) or tonumber(defaultConcurrency) or 0
  local overridden = (override[1] or override[2]) and 1 or 0
  return windows, concurrency, longest, overridden
end
