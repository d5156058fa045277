/**
 * @module edge/schedules/schedule-openapi
 * The OpenAPI description of the schedule routes (registered by openapi/register-routes.ts).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { scheduleRequestSchema } from '../../../shared/schedules/schedule-schema.ts';
import type { AppEnv } from '../app-env.ts';
import { problemSchema } from '../openapi/schemas.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const secured = [{ bearer: [] }];
const common = { 400: problem('Invalid input: the detail names the field'), 401: problem('Missing or invalid API key'), 503: problem('Broker unreachable: retry after Retry-After seconds') };
const idParam = z.object({ id: z.string().describe('Schedule id from POST /v1/schedules; another tenant\'s id answers 404 like an unknown one') });
const body = { required: true, content: { 'application/json': { schema: scheduleRequestSchema } } };

const definition = {
  id: z.string(), name: z.string(), cron: z.string().nullable(), timezone: z.string().nullable(), everyMs: z.number().nullable(),
  enabled: z.boolean(), overlap: z.enum(['skip', 'allow']), catchUp: z.boolean(),
};
const storedSchema = z.object({ ...definition, target: z.record(z.string(), z.unknown()), nextFireAt: z.string().nullable(), statusUrl: z.string() });
const runSchema = z.object({
  runId: z.string(), kind: z.enum(['job', 'batch', 'crawl']), scheduledFor: z.string().nullable(), firedAt: z.string().nullable(), manual: z.boolean(),
  status: z.enum(['started', 'skipped']), state: z.string().describe('skipped, or the job\'s (completed, failed, running), batch\'s (finished, running) or crawl\'s (running, completed, cancelled, failed) state; unknown once retention removed it'),
  statusUrl: z.string().nullable(),
});
const lastError = z.object({ message: z.string(), at: z.string().nullable() }).nullable();
const counters = { createdAt: z.string().nullable(), updatedAt: z.string().nullable(), nextFireAt: z.string().nullable(), lastFireAt: z.string().nullable(), lastError, fired: z.number(), skipped: z.number() };
const viewSchema = z.object({ ...definition, target: z.record(z.string(), z.unknown()), ...counters, runs: z.array(runSchema) });
const listSchema = z.object({ schedules: z.array(z.object({ ...definition, kind: z.enum(['job', 'batch', 'crawl']), ...counters })) });

export function registerScheduleRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  r.registerPath(createRoute({
    method: 'post', path: '/v1/schedules', summary: 'Create a recurring job or batch (cron or everyMs)', security: secured,
    request: { body }, responses: { 201: json('Stored; nextFireAt is its first slot', storedSchema), ...common, 409: problem('The tenant holds QUARRY_MAX_SCHEDULES schedules already') },
  }));
  r.registerPath(createRoute({ method: 'get', path: '/v1/schedules', summary: 'The caller\'s schedules', security: secured, responses: { 200: json('Every schedule of the tenant', listSchema), ...common } }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/schedules/{id}', summary: 'A schedule, its next fire time, last runs and last error', security: secured,
    request: { params: idParam }, responses: { 200: json('The schedule', viewSchema), 404: problem('Unknown schedule'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'put', path: '/v1/schedules/{id}', summary: 'Replace a schedule (enabled: false pauses it)', security: secured,
    request: { params: idParam, body }, responses: { 200: json('Stored', storedSchema), 404: problem('Unknown schedule'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'delete', path: '/v1/schedules/{id}', summary: 'Delete a schedule (runs already added finish)', security: secured,
    request: { params: idParam }, responses: { 204: { description: 'Deleted' }, 404: problem('Unknown schedule'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/schedules/{id}/run', summary: 'Run a schedule now (whatever its overlap rule)', security: secured,
    request: { params: idParam },
    responses: { 202: json('Queued: the run gets this id', z.object({ scheduleId: z.string(), runId: z.string(), kind: z.enum(['job', 'batch', 'crawl']), statusUrl: z.string() })), 404: problem('Unknown schedule'), ...common },
  }));
}
