/**
 * @module edge/jobs/list-jobs
 * Paginated listing of jobs in one state (the dead-letter view is `status=failed`), one
 * round trip (shared/scripts/list-jobs-1.lua): ids from the state's set or list, kept when
 * they carry the tenant's tag, then each kept job's summary fields.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { queueKeys } from '../../../shared/keys.ts';
import { LUA_SCRIPTS } from '../../../shared/scripts/generated.ts';

export const LISTABLE_STATES = ['failed', 'completed', 'delayed', 'prioritized', 'waiting', 'active'] as const;
export type ListableState = (typeof LISTABLE_STATES)[number];

/**
 * Ids a filtered page examines at most, as a multiple of the page size (and at least
 * `MIN_SCAN`): a tenant with 3 failures among 1,000,000 of others' costs one bounded call per
 * page, never a scan of the whole set in one request.
 */
export const SCAN_PER_ITEM = 20;
export const MIN_SCAN = 2000;

export interface JobSummary {
  id: string;
  mode: string | null;
  url: string | null;
  error: string | null;
  finishedAt: string | null;
  attemptsMade: number;
}

export interface ListOptions {
  /** Raw position in the state's set or list to start at (the previous page's `next`). */
  cursor: number;
  limit: number;
  /** Keep only ids of this tenant tag; every id when absent (admin). */
  tag?: string;
}

export interface JobPage {
  /** Jobs in the state, all tenants'. */
  size: number;
  jobs: JobSummary[];
  /** Where the next page starts; null at the end. */
  next: number | null;
}

const scripts = new WeakMap<Redis, ReturnType<Redis['createScript']>>();

export async function listJobs(redis: Redis, prefix: string, state: ListableState, options: ListOptions): Promise<JobPage> {
  const { cursor, limit, tag } = options;
  const keys = queueKeys(prefix);
  let script = scripts.get(redis);
  if (!script) scripts.set(redis, (script = redis.createScript(LUA_SCRIPTS['list-jobs'].content)));
  const source = state === 'waiting' ? keys.key('wait') : keys.key(state);
  const kind = state === 'waiting' || state === 'active' ? 'l' : 'z';
  const scan = tag === undefined ? limit : Math.max(limit * SCAN_PER_ITEM, MIN_SCAN);
  const reply = (await script.exec([source], [kind, String(cursor), String(limit), keys.base, tag === undefined ? '' : `${tag}.`, String(scan)])) as (string | number | null)[];
  const [size, next, ...flat] = reply;
  const jobs: JobSummary[] = [];
  for (let i = 0; i + 6 <= flat.length; i += 6) {
    const [id, mode, url, error, finishedOn, atm] = flat.slice(i, i + 6);
    jobs.push({
      id: String(id), mode: mode ? String(mode) : null, url: url ? String(url) : null, error: error ? String(error) : null,
      finishedAt: finishedOn ? new Date(Number(finishedOn)).toISOString() : null, attemptsMade: Number(atm ?? 0),
    });
  }
  return { size: Number(size), jobs, next: Number(next) < 0 ? null : Number(next) };
}
