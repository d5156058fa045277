/**
 * @module worker/schedules/catch-up
 * The slots a `catchUp` schedule missed between the last slot it claimed and the one firing
 * now (an outage, every worker down). BullMQ's scheduler itself never bursts: after an outage
 * it fires the overdue slot once and moves on to the next future one, so without `catchUp`
 * the missed slots simply do not run.
 */
import { cronTimes } from '../../../shared/schedules/cron.ts';
import { MAX_CATCH_UP_SLOTS } from '../../../shared/schedules/schedule-keys.ts';
import type { ScheduleRequest } from '../../../shared/schedules/schedule-schema.ts';

/** Missed slot times strictly between `lastSlot` and `slot`, the latest MAX_CATCH_UP_SLOTS of them, ascending. */
export function missedSlots(def: Pick<ScheduleRequest, 'cron' | 'timezone' | 'everyMs'>, lastSlot: number, slot: number): number[] {
  if (!(lastSlot > 0) || lastSlot >= slot) return [];
  const missed: number[] = [];
  if (def.everyMs !== undefined) {
    // The latest ones: walk back from the slot firing now.
    for (let t = slot - def.everyMs; t > lastSlot && missed.length < MAX_CATCH_UP_SLOTS; t -= def.everyMs) missed.unshift(t);
    return missed;
  }
  if (def.cron === undefined) return [];
  // Cron slots after lastSlot, bounded so a long outage of a frequent cron stays cheap.
  const times = cronTimes(def.cron, def.timezone, lastSlot, 1000).filter((t) => t < slot);
  return times.slice(-MAX_CATCH_UP_SLOTS);
}
