/**
 * @module edge/schedules/schedule-store
 * The broker side of the schedule routes, one REST round trip each: upsert and delete run the
 * wrapped BullMQ scheduler scripts (scheduler-scripts.ts), reads run shared/scripts
 * schedule-read-3 and schedule-list-2, and a manual run is one `/multi-exec` (the schedule's
 * kind, and BullMQ's add-job script adding a fire job to the schedule queue).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { queueKeys } from '../../../shared/keys.ts';
import { LUA_SCRIPTS } from '../../../shared/scripts/generated.ts';
import { FIRE_JOB_NAME, SCHEDULE_QUEUE_NAME, scheduleIndexKey, scheduleKey, scheduleRunsKey } from '../../../shared/schedules/schedule-keys.ts';
import { scheduleRunId, type FireJobData, type ScheduleTargetKind } from '../../../shared/schedules/schedule-schema.ts';
import { idTag } from '../../../shared/tenant.ts';
import { ADD_JOB_SCRIPTS } from '../jobs/enqueue/add-job-scripts.ts';
import { FIRE_JOB_OPTIONS, planUpsert, type ScheduleRecordInput } from './schedule-plan.ts';
import { DELETE_SCHEDULE_LUA, UPSERT_LIMIT_REACHED, UPSERT_NOT_FOUND, UPSERT_SCHEDULE_LUA } from './scheduler-scripts.ts';

type Script = ReturnType<Redis['createScript']>;
const scriptCache = new WeakMap<Redis, Map<string, Script>>();

function script(redis: Redis, source: string): Script {
  let scripts = scriptCache.get(redis);
  if (!scripts) scriptCache.set(redis, (scripts = new Map()));
  let found = scripts.get(source);
  if (!found) scripts.set(source, (found = redis.createScript(source)));
  return found;
}

export type UpsertOutcome =
  | { kind: 'scheduled'; nextFireAt: number }
  | { kind: 'disabled' }
  | { kind: 'limit'; count: number }
  | { kind: 'not-found' };

export class SchedulerRefusedError extends Error {
  override name = 'SchedulerRefusedError';
  constructor(code: number) {
    super(`BullMQ's addJobScheduler script refused the schedule (code ${code})`);
  }
}

export async function upsertSchedule(redis: Redis, prefix: string, input: ScheduleRecordInput, mode: 'create' | 'update', maxSchedules: number): Promise<UpsertOutcome> {
  const plan = planUpsert(input, mode, maxSchedules, prefix);
  const reply = (await script(redis, UPSERT_SCHEDULE_LUA).exec(plan.keys, plan.argv)) as (string | number)[];
  const code = Number(reply[0]);
  if (code === 1) return { kind: 'scheduled', nextFireAt: input.now + Number(reply[2]) };
  if (code === 0) return { kind: 'disabled' };
  if (code === UPSERT_LIMIT_REACHED) return { kind: 'limit', count: Number(reply[1]) };
  if (code === UPSERT_NOT_FOUND) return { kind: 'not-found' };
  throw new SchedulerRefusedError(code);
}

function indexKeyOf(prefix: string, id: string): string {
  return scheduleIndexKey(prefix, idTag(id) ?? '');
}

export async function deleteSchedule(redis: Redis, prefix: string, id: string): Promise<boolean> {
  const queue = queueKeys(prefix, SCHEDULE_QUEUE_NAME);
  const keys = [queue.key('repeat'), queue.key('delayed'), queue.key('events'), scheduleKey(prefix, id), scheduleRunsKey(prefix, id), indexKeyOf(prefix, id)];
  return Number(await script(redis, DELETE_SCHEDULE_LUA).exec(keys, [id, queue.base])) === 1;
}

export interface StoredRun {
  runId: string;
  kind: ScheduleTargetKind;
  slot: number;
  firedAt: number;
  status: 'started' | 'skipped';
  manual: boolean;
  /** Now: skipped, or the run's job/batch state (shared/scripts/includes/schedule-run-state.lua). */
  state: string;
}

export interface StoredSchedule {
  fields: Record<string, string>;
  nextFireAt: number | null;
  runs: StoredRun[];
}

export async function readSchedule(redis: Redis, prefix: string, id: string): Promise<StoredSchedule | null> {
  const keys = [scheduleKey(prefix, id), scheduleRunsKey(prefix, id), queueKeys(prefix, SCHEDULE_QUEUE_NAME).key('repeat')];
  const reply = await script(redis, LUA_SCRIPTS['schedule-read'].content).exec(keys, [queueKeys(prefix).base, prefix, id]);
  if (!Array.isArray(reply)) return null;
  const [flat, next, ...runs] = reply as [string[], string | null, ...string[]];
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
  const parsed: StoredRun[] = [];
  for (let i = 0; i + 1 < runs.length; i += 2) {
    try {
      parsed.push({ ...(JSON.parse(String(runs[i])) as Omit<StoredRun, 'state'>), state: String(runs[i + 1]) });
    } catch {
      // an entry this version did not write: left out of the view
    }
  }
  return { fields, nextFireAt: next === null || next === undefined ? null : Number(next), runs: parsed };
}

export interface ScheduleSummaryRow {
  id: string;
  fields: Record<string, string | null>;
  nextFireAt: number | null;
}

const LIST_FIELDS = ['def', 'enabled', 'createdAt', 'updatedAt', 'lastFireAt', 'lastError', 'lastErrorAt', 'fired', 'skipped'] as const;

export async function listSchedules(redis: Redis, prefix: string, tenantTag: string, limit: number): Promise<ScheduleSummaryRow[]> {
  const keys = [scheduleIndexKey(prefix, tenantTag), queueKeys(prefix, SCHEDULE_QUEUE_NAME).key('repeat')];
  const reply = (await script(redis, LUA_SCRIPTS['schedule-list'].content).exec(keys, [`${prefix}:sched:`, String(limit)])) as (string | null)[];
  const rows: ScheduleSummaryRow[] = [];
  const width = LIST_FIELDS.length + 2;
  for (let i = 0; i + width <= reply.length; i += width) {
    const fields: Record<string, string | null> = {};
    LIST_FIELDS.forEach((name, j) => (fields[name] = reply[i + 1 + j] === null ? null : String(reply[i + 1 + j])));
    const next = reply[i + width - 1];
    rows.push({ id: String(reply[i]), fields, nextFireAt: next === null ? null : Number(next) });
  }
  return rows;
}

export interface ManualRun {
  runId: string;
  kind: ScheduleTargetKind;
}

/** Adds a fire job for "now"; null when the schedule does not exist (the fire job then does nothing). */
export async function runScheduleNow(redis: Redis, prefix: string, id: string, now = Date.now()): Promise<ManualRun | null> {
  const queue = queueKeys(prefix, SCHEDULE_QUEUE_NAME);
  const slotKey = `m${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const fireJobId = `m-${id}-${slotKey}`;
  const data: FireJobData = { scheduleId: id, manual: { slotKey, at: now } };
  const add = ADD_JOB_SCRIPTS.standard;
  const args = [queue.base, fireJobId, FIRE_JOB_NAME, now, null, null, null, null, null, null];
  const tx = redis.multi();
  tx.hget(scheduleKey(prefix, id), 'kind');
  tx.eval(add.lua, add.keys.map(queue.key), [JSON.stringify(args), JSON.stringify(data), JSON.stringify({ ...FIRE_JOB_OPTIONS, jobId: fireJobId })]);
  const [kind] = (await tx.exec()) as [string | null, unknown];
  if (kind === null || kind === undefined) return null;
  return { runId: scheduleRunId(id, slotKey), kind: kind === 'batch' || kind === 'crawl' ? kind : 'job' };
}
