/**
 * @module edge/schedules/schedule-openapi
 * The OpenAPI description of the schedule routes (registered by openapi/register-routes.ts):
 * the request is shared/schedules/schedule-schema.ts, the answers are in schedule-schemas.ts.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { scheduleRequestSchema } from '../../../shared/schedules/schedule-schema.ts';
import type { AppEnv } from '../app-env.ts';
import { problemSchema } from '../openapi/schemas.ts';
import { scheduleListSchema, scheduleRequestExamples, scheduleRunQueuedSchema, scheduleStoredSchema, scheduleViewSchema } from './schedule-schemas.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const secured = [{ bearer: [] }];
const common = { 400: problem('Invalid input: the detail names the field'), 401: problem('Missing or invalid API key'), 403: problem('The key lacks the scope'), 503: problem('Broker unreachable: retry after Retry-After seconds') };
const idParam = z.object({ id: z.string().describe('Schedule id from POST /v1/schedules; another tenant\'s id answers 404 like an unknown one') });
const body = { required: true, content: { 'application/json': { schema: scheduleRequestSchema, examples: scheduleRequestExamples } } };

export function registerScheduleRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  r.registerPath(createRoute({
    method: 'post', path: '/v1/schedules', operationId: 'createSchedule', summary: 'Create a recurring job, batch or crawl (cron or everyMs)', security: secured,
    request: { body }, responses: { 201: json('Stored; nextFireAt is its first slot', scheduleStoredSchema), ...common, 409: problem('The tenant holds QUARRY_MAX_SCHEDULES schedules already, or the next slot is being fired (retry after Retry-After)') },
  }));
  r.registerPath(createRoute({ method: 'get', path: '/v1/schedules', operationId: 'listSchedules', summary: 'The caller\'s schedules', security: secured, responses: { 200: json('Every schedule of the tenant', scheduleListSchema), ...common } }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/schedules/{id}', operationId: 'getSchedule', summary: 'A schedule, its next fire time, last runs and last error', security: secured,
    request: { params: idParam }, responses: { 200: json('The schedule', scheduleViewSchema), 404: problem('Unknown schedule'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'put', path: '/v1/schedules/{id}', operationId: 'replaceSchedule', summary: 'Replace a schedule (enabled: false pauses it)', security: secured,
    request: { params: idParam, body }, responses: { 200: json('Stored', scheduleStoredSchema), 404: problem('Unknown schedule'), ...common, 409: problem('The next slot is being fired: retry after Retry-After') },
  }));
  r.registerPath(createRoute({
    method: 'delete', path: '/v1/schedules/{id}', operationId: 'deleteSchedule', summary: 'Delete a schedule (runs already added finish)', security: secured,
    request: { params: idParam }, responses: { 204: { description: 'Deleted' }, 404: problem('Unknown schedule'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/schedules/{id}/run', operationId: 'runSchedule', summary: 'Run a schedule now (whatever its overlap rule)', security: secured,
    request: { params: idParam },
    responses: { 202: json('Queued: the run gets this id', scheduleRunQueuedSchema), 404: problem('Unknown schedule'), ...common },
  }));
}
