/**
 * @module edge/jobs/read-job
 * A job's public view: state and counters from the broker, the result from the result store
 * (read in parallel: they are different databases).
 *
 * The worker stores the result before BullMQ marks the job completed, but the two parallel
 * reads can pass the worker between them: the result read before its SET, the state read after
 * the finish. So a `completed` state without a result reads the result store once more (one
 * GET, only then): `completed` always comes with its result while the result store holds it.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { storedResultSchema, type StoredResult } from '../../../shared/job-result.ts';
import { callbackStatusKey, parseCallbackStatus, type CallbackStatus } from '../../../shared/callback-keys.ts';
import { queueKeys, resultKey } from '../../../shared/keys.ts';
import { READ_JOB_FIELDS, READ_JOB_LUA, READ_JOB_STATE_KEYS } from './read-job-script.ts';

export interface JobView {
  id: string;
  status: string;
  name?: string;
  attempts: { made: number; started: number; max: number };
  progress: unknown;
  createdAt?: string;
  processedAt?: string;
  finishedAt?: string;
  result?: StoredResult;
  error?: string;
  /** Result-callback delivery attempts, when the job has a callbackUrl. */
  callback?: CallbackStatus;
}

const scripts = new WeakMap<Redis, ReturnType<Redis['createScript']>>();

function readJobScript(redis: Redis) {
  let found = scripts.get(redis);
  if (!found) scripts.set(redis, (found = redis.createScript(READ_JOB_LUA)));
  return found;
}

const iso = (ms: string | null | undefined) => (ms ? new Date(Number(ms)).toISOString() : undefined);

function parseJson(value: string | null | undefined): unknown {
  if (!value) return undefined;
  try { return JSON.parse(value); } catch { return value; }
}

function parseResult(stored: string | null): StoredResult | undefined {
  if (!stored) return undefined;
  const parsed = storedResultSchema.safeParse(JSON.parse(stored));
  return parsed.success ? parsed.data : undefined;
}

/** Undefined when neither the broker nor the result store knows the id. */
export async function readJob(broker: Redis, results: Redis, prefix: string, id: string): Promise<JobView | undefined> {
  const keys = queueKeys(prefix);
  // Two databases, read in parallel; the result store answers both reads in one pipeline.
  const [reply, [stored, callbackReply]] = await Promise.all([
    readJobScript(broker).exec([keys.job(id), ...READ_JOB_STATE_KEYS.map(keys.key)], [id]) as Promise<unknown>,
    results.pipeline().get(resultKey(prefix, id)).hgetall(callbackStatusKey(prefix, id)).exec() as Promise<[string | null, unknown]>,
  ]);
  const callback = parseCallbackStatus(callbackReply);
  let result = parseResult(stored);

  if (!Array.isArray(reply)) {
    // Retention removed the job from the broker; the result store still has what it produced.
    if (!result) return undefined;
    const removed: JobView = { id, status: 'completed', attempts: { made: result.attempt, started: result.attempt, max: result.attempt }, progress: 100, result };
    if (callback) removed.callback = callback;
    return removed;
  }
  const [state, ...values] = reply as (string | null)[];
  if (state === 'completed' && !result) result = parseResult(await results.get<string>(resultKey(prefix, id)));
  const field = Object.fromEntries(READ_JOB_FIELDS.map((name, i) => [name, values[i] ?? null]));
  const opts = parseJson(field.opts) as { attempts?: number } | undefined;
  const view: JobView = {
    id,
    status: state ?? 'unknown',
    attempts: { made: Number(field.atm ?? 0), started: Number(field.ats ?? 0), max: opts?.attempts ?? 1 },
    progress: parseJson(field.progress) ?? 0,
  };
  if (field.name) view.name = field.name;
  const createdAt = iso(field.timestamp);
  if (createdAt) view.createdAt = createdAt;
  const processedAt = iso(field.processedOn);
  if (processedAt) view.processedAt = processedAt;
  const finishedAt = iso(field.finishedOn);
  if (finishedAt) view.finishedAt = finishedAt;
  if (result) view.result = result;
  if (state === 'failed' && field.failedReason) view.error = field.failedReason;
  if (callback) view.callback = callback;
  return view;
}
