/**
 * @module edge/schedules/schedule-plan
 * Turns a validated schedule into the one script call that stores it (scheduler-scripts.ts):
 * its record fields, and the arguments BullMQ's `JobScheduler.upsertJobScheduler` would pass
 * to addJobScheduler (same first fire time, same fire-job options), so the workers' BullMQ
 * carries the schedule on from the first fire job exactly as if a `Queue` had created it.
 */
import type { CanonicalUrlOptions } from '../../../shared/canonical-url.ts';
import { queueKeys } from '../../../shared/keys.ts';
import { cronTimes } from '../../../shared/schedules/cron.ts';
import { FIRE_JOB_NAME, SCHEDULE_QUEUE_NAME, scheduleIndexKey, scheduleKey } from '../../../shared/schedules/schedule-keys.ts';
import { targetKind, type FireJobData, type ScheduleRequest } from '../../../shared/schedules/schedule-schema.ts';
import type { JobOptionsConfig } from '../jobs/enqueue/job-options.ts';
import { ADD_SCHEDULER_KEYS } from './scheduler-scripts.ts';

/**
 * Fire jobs only enqueue the run, so a few quick retries cover a broker hiccup; finished ones
 * are kept a day for inspection (exactly-once does not depend on them: a slot's next fire job
 * is only ever created by the slot before it, under an id named by its time).
 */
export const FIRE_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 1000, age: 7 * 24 * 3600 },
} as const;

export interface ScheduleRecordInput {
  id: string;
  request: ScheduleRequest;
  tenant: { name: string; tag: string };
  submittedBy: string;
  /** What the runs get from the edge's configuration (backoff, retention; a crawl's defaults). */
  runOptions: JobOptionsConfig & { canonical: CanonicalUrlOptions; crawlWindow: number; crawlMaxDiscovered: number };
  now: number;
}

export interface UpsertPlan {
  keys: string[];
  argv: string[];
  /** The first fire time the edge computed (cron; `everyMs` schedules fire at once). */
  nextMillis: number;
}

export function planUpsert(input: ScheduleRecordInput, mode: 'create' | 'update', maxSchedules: number, prefix: string): UpsertPlan {
  const { id, request, now } = input;
  const queue = queueKeys(prefix, SCHEDULE_QUEUE_NAME);
  const repeat: Record<string, unknown> = request.cron !== undefined
    ? { pattern: request.cron, ...(request.timezone ? { tz: request.timezone } : {}) }
    : { every: request.everyMs };
  // BullMQ's JobScheduler: a cron's next time from now; an interval's is computed by the script.
  const nextMillis = request.cron !== undefined ? cronTimes(request.cron, request.timezone, now, 1)[0] ?? now : now;
  const schedulerOpts = { name: FIRE_JOB_NAME, ...repeat };
  const templateData: FireJobData = { scheduleId: id, ...(request.catchUp ? { catchUp: true } : {}) };
  const delayedOpts = {
    ...FIRE_JOB_OPTIONS,
    repeat: { ...repeat, count: 1 },
    jobId: `repeat:${id}:${nextMillis}`,
    delay: Math.max(0, nextMillis - now),
    timestamp: now,
    ...(request.cron !== undefined ? { prevMillis: nextMillis } : {}),
    repeatJobKey: id,
  };
  const record: Record<string, string> = {
    def: JSON.stringify(request),
    runOptions: JSON.stringify(input.runOptions),
    tenant: input.tenant.name,
    submittedBy: input.submittedBy,
    updatedAt: String(now),
    // Catch-up never reaches back before the schedule was (re)defined: re-enabling is not an outage.
    definedAt: String(now),
    enabled: request.enabled ? '1' : '0',
    overlap: request.overlap,
    catchUp: request.catchUp ? '1' : '0',
    kind: targetKind(request.target),
  };
  return {
    keys: [...ADD_SCHEDULER_KEYS.map((suffix) => queue.key(suffix)), scheduleKey(prefix, id), scheduleIndexKey(prefix, input.tenant.tag)],
    argv: [
      String(nextMillis), JSON.stringify(schedulerOpts), id, JSON.stringify(templateData), JSON.stringify(FIRE_JOB_OPTIONS),
      JSON.stringify(delayedOpts), String(now), queue.base, '',
      mode, String(maxSchedules), JSON.stringify(record), request.enabled ? '1' : '0', String(now),
    ],
    nextMillis,
  };
}
