/**
 * @module shared/schedules/cron
 * Cron expressions as BullMQ's job schedulers read them (cron-parser, the library BullMQ itself
 * uses, at the same pinned version), so the edge's first fire time and the worker's next ones
 * agree. Five fields, or six with seconds first.
 */
import { CronExpressionParser } from 'cron-parser';

/** True when `timezone` is an IANA zone this runtime knows (workerd and Node both ship ICU). */
export function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The next `count` fire times strictly after `fromMs`; throws on an invalid expression. */
export function cronTimes(cron: string, timezone: string | undefined, fromMs: number, count: number): number[] {
  const interval = CronExpressionParser.parse(cron, { currentDate: new Date(fromMs), ...(timezone ? { tz: timezone } : {}) });
  const times: number[] = [];
  for (let i = 0; i < count && interval.hasNext(); i++) times.push(interval.next().getTime());
  return times;
}

/** Why `cron` is not an expression cron-parser accepts, or undefined when it is. */
export function cronProblem(cron: string, timezone: string | undefined): string | undefined {
  try {
    if (cronTimes(cron, timezone, Date.now(), 1).length === 0) return 'never fires';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The shortest gap between consecutive fire times over the next `sample` of them: a cron that
 * fires every minute except at night still has a one-minute interval.
 */
export function cronMinIntervalMs(cron: string, timezone: string | undefined, fromMs: number, sample = 60): number {
  const times = cronTimes(cron, timezone, fromMs, sample);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) min = Math.min(min, times[i]! - times[i - 1]!);
  return min;
}
