--[[
  change-swap-2: stores a page's new change-tracking snapshot and returns the one it replaces,
  atomically, so two scrapes of the same URL each compare with exactly one predecessor.

  A job that runs again after it swapped (its worker died before its result was stored, or a
  later effect failed and BullMQ retried it) finds its own snapshot in place: it is compared
  with the snapshot its first run replaced, kept for that purpose for ARGV[4] seconds, so a
  re-run never reports "same" against itself.

  Input:
    KEYS[1] snapshot key     JSON {jobId, at, mode, value | removed}
    KEYS[2] replaced key     the snapshot the last swap replaced (for a re-run of that job)
    ARGV[1] job id
    ARGV[2] new snapshot JSON
    ARGV[3] snapshot retention, seconds
    ARGV[4] how long the replaced snapshot is kept for a re-run, seconds

  Output: the snapshot to compare with (JSON), or false when there is none
]]
local rcall = redis.call
local current = rcall('GET', KEYS[1])
local base = current
if current then
  local ok, snapshot = pcall(cjson.decode, current)
  if ok and type(snapshot) == 'table' and snapshot.jobId == ARGV[1] then
    base = rcall('GET', KEYS[2])
  else
    rcall('SET', KEYS[2], current, 'EX', ARGV[4])
  end
else
  rcall('DEL', KEYS[2])
end
rcall('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return base or false
