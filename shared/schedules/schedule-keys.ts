/**
 * @module shared/schedules/schedule-keys
 * Where schedules live in the broker. A schedule is a BullMQ job scheduler on its own queue
 * (`schedule-runs`, one delayed "fire" job per slot, id `repeat:<scheduleId>:<slotMs>`) plus a
 * record the edge writes and the workers update:
 *
 *   <prefix>:sched:<id>          hash  def (the validated request, JSON), tenant, submittedBy,
 *                                      createdAt, updatedAt, definedAt, enabled, overlap, kind, catchUp,
 *                                      lastSlot, lastFireAt, activeRun, fired, skipped,
 *                                      lastError, lastErrorAt
 *   <prefix>:sched:<id>:runs     list  the last SCHEDULE_RUNS_KEPT runs, newest first (JSON)
 *   <prefix>:sched-index:<tag>   zset  the tenant's schedule ids by creation time (count cap)
 *
 * Every key shares the prefix's hash tag, so each script's keys sit in one cluster slot.
 */

/** BullMQ queue whose job schedulers fire schedules (`<prefix>:schedule-runs:…`). */
export const SCHEDULE_QUEUE_NAME = 'schedule-runs';

/** Name of the fire jobs a scheduler creates (and of manual runs). */
export const FIRE_JOB_NAME = 'fire';

/** Runs kept per schedule for `GET /v1/schedules/:id` (older ones are trimmed). */
export const SCHEDULE_RUNS_KEPT = 20;

/** Missed slots a `catchUp` schedule fires after an outage, at most (older ones are dropped). */
export const MAX_CATCH_UP_SLOTS = 10;

export function scheduleKey(prefix: string, id: string): string {
  return `${prefix}:sched:${id}`;
}

export function scheduleRunsKey(prefix: string, id: string): string {
  return `${scheduleKey(prefix, id)}:runs`;
}

export function scheduleIndexKey(prefix: string, tenantTag: string): string {
  return `${prefix}:sched-index:${tenantTag}`;
}
