/**
 * @module worker/schedules/schedule-errors
 * Failures of a fire job, by what a retry can do about them.
 */
import { NonRetryableError } from '../errors/retry-policy.ts';

/** The stored schedule no longer parses (written by an incompatible version): retrying cannot help. */
export class InvalidScheduleError extends NonRetryableError {
  constructor(scheduleId: string, reason: string) {
    super(`schedule ${scheduleId} cannot be run: ${reason}`);
  }
}
