/**
 * @module edge/schedules/schedule-request
 * Reads a schedule body and checks what the shared schema cannot: the batch target's items
 * (each by the job request schema, exactly as `POST /v1/batches` checks them, paths under
 * `target.batch`), the `robots:ignore` scope a target may need, and the operator's minimum
 * interval (`QUARRY_MIN_SCHEDULE_INTERVAL_MS`).
 */
import type { Context } from 'hono';
import { cronMinIntervalMs } from '../../../shared/schedules/cron.ts';
import { scheduleRequestSchema, type ScheduleRequest } from '../../../shared/schedules/schedule-schema.ts';
import type { AppEnv } from '../app-env.ts';
import { validateBatchItems } from '../batches/batch-items.ts';
import type { EdgeConfig } from '../config.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { ForbiddenProblem, hasScope } from '../middleware/require-scope.ts';
import { ValidationProblem } from '../problems/problems.ts';

function checkBatchItems(request: ScheduleRequest): { ignoreRobots: boolean } {
  const batch = request.target.batch;
  if (!batch) return { ignoreRobots: request.target.job?.ignoreRobots === true || request.target.crawl?.scrape.ignoreRobots === true };
  let items: ReturnType<typeof validateBatchItems>['requests'];
  try {
    items = validateBatchItems(batch).requests;
  } catch (error) {
    if (!(error instanceof ValidationProblem)) throw error;
    throw new ValidationProblem(error.errors.map((e) => ({ path: e.path ? `target.batch.${e.path}` : 'target.batch', message: e.message })));
  }
  // Task items (a `task` in defaults) are valid batch items, but a schedule's worker adds scrape jobs only.
  if (items.some((item) => 'task' in item)) {
    throw new ValidationProblem([{ path: 'target.batch.defaults.task', message: 'task jobs cannot be scheduled yet: schedule scrape jobs, batches or crawls' }]);
  }
  return { ignoreRobots: items.some((item) => 'ignoreRobots' in item && item.ignoreRobots === true) };
}

function intervalMs(request: ScheduleRequest, now: number): number {
  return request.everyMs ?? cronMinIntervalMs(request.cron!, request.timezone, now);
}

export async function readScheduleRequest(c: Context<AppEnv>, config: EdgeConfig): Promise<ScheduleRequest> {
  const request = await readJsonBody(c, scheduleRequestSchema);
  const { ignoreRobots } = checkBatchItems(request);
  if (ignoreRobots && !hasScope(c.get('scopes'), 'robots:ignore')) throw new ForbiddenProblem('robots:ignore');
  const min = config.minScheduleIntervalMs;
  if (intervalMs(request, Date.now()) < min) {
    const field = request.everyMs !== undefined ? 'everyMs' : 'cron';
    throw new ValidationProblem([{ path: field, message: `fires more often than every ${min} ms, this deployment's minimum (QUARRY_MIN_SCHEDULE_INTERVAL_MS): space the runs further apart` }]);
  }
  return request;
}
