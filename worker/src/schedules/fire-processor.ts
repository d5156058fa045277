/**
 * @module worker/schedules/fire-processor
 * Processes one fire job of the schedule queue: claim the slot (shared/scripts/schedule-claim-2,
 * atomic: run or skip, recorded once per slot), then add the run (run-enqueue.ts).
 *
 * Exactly once per slot: BullMQ's job scheduler creates one fire job per slot, named by the
 * slot's time (`repeat:<scheduleId>:<ms>`), and only the fire job of the slot before may
 * create it (its `updateJobScheduler` script checks the producer), so N workers and a fire job
 * run twice never make a slot twice. A fire job that runs again (its worker was SIGKILLed, the
 * broker restarted) gets its recorded decision back from the claim and re-adds the same run
 * ids, which BullMQ stores once.
 *
 * Redis cost per slot: one EVALSHA (claim), the run's adds (run-enqueue.ts), plus BullMQ's own
 * fire-job cycle (move to active, next-slot script, finish); `catchUp` schedules read three
 * fields first (HMGET). A failure writes `lastError` (one HSET) and lets BullMQ retry.
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { queueKeys } from '../../../shared/keys.ts';
import { loadScripts } from '../../../shared/scripts/load-scripts.ts';
import { SCHEDULE_RUNS_KEPT, scheduleKey, scheduleRunsKey } from '../../../shared/schedules/schedule-keys.ts';
import { scheduleRunId, slotKeyOf, type FireJobData, type ScheduleRequest } from '../../../shared/schedules/schedule-schema.ts';
import { runScript } from '../politeness/run-script.ts';
import { missedSlots } from './catch-up.ts';
import { enqueueRun, type RunOptions } from './run-enqueue.ts';
import { InvalidScheduleError } from './schedule-errors.ts';

export interface FireProcessorOptions {
  broker: Redis;
  /** The scrape queue the runs go to. */
  scrape: Queue;
  prefix: string;
  logger: Logger;
  /** Clock (tests pin it). */
  now?: () => number;
}

export interface FireOutcome {
  scheduleId: string;
  runs: { runId: string; status: string }[];
}

const FIRE_JOB_ID = /^repeat:(.+):(\d+)$/;

/** The slot a scheduler's fire job stands for, from its id. */
export function slotOf(jobId: string): number | undefined {
  const match = FIRE_JOB_ID.exec(jobId);
  return match ? Number(match[2]) : undefined;
}

export function createFireProcessor(options: FireProcessorOptions): (job: Job<FireJobData>) => Promise<FireOutcome> {
  const { broker, scrape, prefix, logger, now = Date.now } = options;
  const claim = loadScripts().get('schedule-claim')!;
  const scrapeBase = queueKeys(prefix).base;

  async function slotsToClaim(job: Job<FireJobData>): Promise<{ slot: number; runId: string }[]> {
    const { scheduleId, manual, catchUp } = job.data;
    if (manual) return [{ slot: manual.at, runId: scheduleRunId(scheduleId, manual.slotKey) }];
    const slot = slotOf(job.id ?? '');
    if (slot === undefined) throw new InvalidScheduleError(scheduleId, `fire job id "${job.id}" names no slot`);
    const slots = [{ slot, runId: scheduleRunId(scheduleId, slotKeyOf(slot)) }];
    if (!catchUp) return slots;
    const [def, lastSlot, definedAt] = await broker.hmget(scheduleKey(prefix, scheduleId), 'def', 'lastSlot', 'definedAt');
    if (!def) return slots;
    // Slots missed since the last one claimed, never from before the schedule was (re)defined.
    const missed = missedSlots(JSON.parse(def) as ScheduleRequest, Math.max(Number(lastSlot) || 0, Number(definedAt) || 0), slot);
    return [...missed.map((t) => ({ slot: t, runId: scheduleRunId(scheduleId, slotKeyOf(t)) })), ...slots];
  }

  return async function fire(job) {
    const { scheduleId } = job.data;
    const record = scheduleKey(prefix, scheduleId);
    try {
      const slots = await slotsToClaim(job);
      const at = now();
      const reply = (await runScript(broker, claim, [record, scheduleRunsKey(prefix, scheduleId)], [
        at, scrapeBase, prefix, job.data.manual ? '1' : '0', SCHEDULE_RUNS_KEPT, ...slots.flatMap((s) => [s.slot, s.runId]),
      ])) as (string | null)[];
      const [defJson, , runOptionsJson, tenant, submittedBy, ...statuses] = reply;
      if (!defJson) return { scheduleId, runs: [] }; // deleted meanwhile
      let def: ScheduleRequest;
      let runOptions: RunOptions;
      try {
        def = JSON.parse(defJson) as ScheduleRequest;
        runOptions = JSON.parse(runOptionsJson ?? '') as RunOptions;
      } catch (error) {
        throw new InvalidScheduleError(scheduleId, `its record does not parse (${(error as Error).message})`);
      }
      const runs = slots.map((s, i) => ({ runId: s.runId, status: String(statuses[i]) }));
      for (const run of runs) {
        if (run.status !== 'started') continue;
        await enqueueRun(broker, scrape, prefix, { scheduleId, runId: run.runId, def, runOptions, tenant: tenant ?? undefined, submittedBy: submittedBy ?? undefined, now: at });
      }
      return { scheduleId, runs };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      logger.warn({ scheduleId, fireJobId: job.id, reason: message }, 'schedule run could not be added');
      await broker.hset(record, 'lastError', message.slice(0, 1000), 'lastErrorAt', now()).catch(() => undefined);
      throw error;
    }
  };
}
