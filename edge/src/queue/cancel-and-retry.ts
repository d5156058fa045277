/**
 * @module edge/queue/cancel-and-retry
 * Cancel (BullMQ's removeJob) and replay (BullMQ's reprocessJob), each guarded by a state
 * check in the same script so the answer says exactly why nothing happened.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { removeJob } from 'bullmq/dist/esm/scripts/removeJob-2.js';
import { reprocessJob } from 'bullmq/dist/esm/scripts/reprocessJob-9.js';
import { queueKeys } from '../../../shared/keys.ts';
import { JOB_STATE_LUA, wrapBullmqScript } from './wrap-bullmq-script.ts';

export type ChangeOutcome = { ok: true; previous: string } | { ok: false; state: string | null };

const CANCELLABLE = new Set(['waiting', 'delayed', 'prioritized']);

/*
 * KEYS[1] job hash, KEYS[2] repeat key; ARGV[1] job id, ARGV[2] remove children ("0"),
 * ARGV[3] queue base prefix. Reply: { 1 | 0, state } (0 = not removed).
 */
const CANCEL_LUA = wrapBullmqScript(removeJob.content, {
  before: `${JOB_STATE_LUA('ARGV[1]', 'ARGV[3]')}
if redis.call("EXISTS", KEYS[1]) == 0 then return { 0, false } end
if quarryState ~= "waiting" and quarryState ~= "delayed" and quarryState ~= "prioritized" then return { 0, quarryState or "unknown" } end`,
  reply: '{ bullmqResult, quarryState }',
});

/*
 * KEYS as BullMQ's reprocessJob (job, events, failed, wait, meta, active, marker, prioritized,
 * pc); ARGV: id, push command, field to clear, previous state, reset attemptsMade, reset
 * attemptsStarted. Reply: { code, state } (code 1 = re-queued).
 */
const RETRY_LUA = wrapBullmqScript(reprocessJob.content, {
  before: `${JOB_STATE_LUA('ARGV[1]', `string.sub(KEYS[2], 1, -7)`)}
if quarryState ~= "failed" then return { 0, quarryState or false } end`,
  reply: '{ bullmqResult, quarryState }',
});

const scripts = new WeakMap<Redis, { cancel: ReturnType<Redis['createScript']>; retry: ReturnType<Redis['createScript']> }>();
function scriptsFor(redis: Redis) {
  let found = scripts.get(redis);
  if (!found) scripts.set(redis, (found = { cancel: redis.createScript(CANCEL_LUA), retry: redis.createScript(RETRY_LUA) }));
  return found;
}

function outcome(reply: unknown): ChangeOutcome {
  const [code, state] = reply as [number, string | null];
  return code === 1 ? { ok: true, previous: state ?? 'unknown' } : { ok: false, state: state ?? null };
}

export async function cancelJob(redis: Redis, prefix: string, id: string): Promise<ChangeOutcome> {
  const keys = queueKeys(prefix);
  return outcome(await scriptsFor(redis).cancel.exec([keys.job(id), `${keys.base}repeat`], [id, '0', keys.base]));
}

/** Re-queues a failed job with its attempts reset, as a fresh run. */
export async function retryJob(redis: Redis, prefix: string, id: string): Promise<ChangeOutcome> {
  const keys = queueKeys(prefix);
  const redisKeys = [keys.job(id), keys.key('events'), keys.key('failed'), keys.key('wait'), keys.key('meta'),
    keys.key('active'), keys.key('marker'), keys.key('prioritized'), keys.key('pc')];
  return outcome(await scriptsFor(redis).retry.exec(redisKeys, [id, 'LPUSH', 'failedReason', 'failed', '1', '1']));
}

export { CANCELLABLE };
