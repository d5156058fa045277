/**
 * @module edge/schedules/schedule-problems
 * The schedule routes' own failures, as problem+json.
 */
import { HttpProblem } from '../problems/http-problem.ts';
import { NotFoundProblem } from '../problems/problems.ts';

export class ScheduleLimitProblem extends HttpProblem {
  constructor(count: number, max: number) {
    super({
      status: 409, slug: 'schedule-limit', title: 'Too many schedules',
      detail: `This tenant has ${count} schedules, the most this deployment allows (QUARRY_MAX_SCHEDULES = ${max}): delete one with DELETE /v1/schedules/:id, or change one with PUT.`,
      extensions: { count, max },
    });
  }
}

/** BullMQ found the next slot's fire job id taken (a cron slot changed under a running fire job): retrying picks the slot after. */
export class ScheduleSlotBusyProblem extends HttpProblem {
  constructor() {
    super({ status: 409, slug: 'schedule-slot-busy', title: 'Schedule slot busy', detail: 'The schedule\'s next slot is being fired right now: send the request again in a second.', headers: { 'retry-after': '1' } });
  }
}

export const scheduleNotFound = (id: string) =>
  new NotFoundProblem(`No schedule with id "${id}": check the id returned by POST /v1/schedules (GET /v1/schedules lists yours).`);
