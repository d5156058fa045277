/**
 * @module edge/queue/list-jobs
 * Paginated listing of jobs in one state (the dead-letter view is `status=failed`), one
 * round trip: ids from the state's set or list, then each job's summary fields.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { queueKeys } from '../../../shared/keys.ts';

export const LISTABLE_STATES = ['failed', 'completed', 'delayed', 'prioritized', 'waiting', 'active'] as const;
export type ListableState = (typeof LISTABLE_STATES)[number];

/*
 * KEYS[1] the state's set or list; ARGV[1] "z" (sorted set, newest first) or "l" (list),
 * ARGV[2] offset, ARGV[3] limit, ARGV[4] queue base prefix.
 * Reply: { total, id1, name1, url1, failedReason1, finishedOn1, attemptsMade1, id2, … }
 */
const LIST_LUA = `
local first, last = tonumber(ARGV[2]), tonumber(ARGV[2]) + tonumber(ARGV[3]) - 1
local ids, total
if ARGV[1] == "z" then
  total = redis.call("ZCARD", KEYS[1]); ids = redis.call("ZREVRANGE", KEYS[1], first, last)
else
  total = redis.call("LLEN", KEYS[1]); ids = redis.call("LRANGE", KEYS[1], first, last)
end
local out = { total }
for _, id in ipairs(ids) do
  local f = redis.call("HMGET", ARGV[4] .. id, "name", "data", "failedReason", "finishedOn", "atm")
  local url = false
  if f[2] then
    local ok, decoded = pcall(cjson.decode, f[2])
    if ok and type(decoded) == "table" and type(decoded.request) == "table" then url = decoded.request.url end
  end
  for _, v in ipairs({ id, f[1] or false, url, f[3] or false, f[4] or false, f[5] or false }) do table.insert(out, v) end
end
return out
`;

export interface JobSummary {
  id: string;
  mode: string | null;
  url: string | null;
  error: string | null;
  finishedAt: string | null;
  attemptsMade: number;
}

const scripts = new WeakMap<Redis, ReturnType<Redis['createScript']>>();

export async function listJobs(redis: Redis, prefix: string, state: ListableState, offset: number, limit: number) {
  const keys = queueKeys(prefix);
  let script = scripts.get(redis);
  if (!script) scripts.set(redis, (script = redis.createScript(LIST_LUA)));
  const source = state === 'waiting' ? keys.key('wait') : keys.key(state);
  const kind = state === 'waiting' || state === 'active' ? 'l' : 'z';
  const reply = (await script.exec([source], [kind, String(offset), String(limit), keys.base])) as (string | number | null)[];
  const [total, ...flat] = reply;
  const jobs: JobSummary[] = [];
  for (let i = 0; i + 5 < flat.length + 1 && i < flat.length; i += 6) {
    const [id, mode, url, error, finishedOn, atm] = flat.slice(i, i + 6);
    jobs.push({
      id: String(id), mode: mode ? String(mode) : null, url: url ? String(url) : null, error: error ? String(error) : null,
      finishedAt: finishedOn ? new Date(Number(finishedOn)).toISOString() : null, attemptsMade: Number(atm ?? 0),
    });
  }
  return { total: Number(total), jobs };
}
