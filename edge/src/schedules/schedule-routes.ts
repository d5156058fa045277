/**
 * @module edge/schedules/schedule-routes
 * `/v1/schedules`: create (201), list, read, replace (PUT), delete, and run now. Each is one
 * broker round trip (schedule-store.ts). A schedule's id carries its tenant's tag, so another
 * tenant's id answers 404 like an unknown one before any Redis command (auth/tenant-access.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ScheduleRequest } from '../../../shared/schedules/schedule-schema.ts';
import type { AppEnv } from '../app-env.ts';
import { mayAccessId } from '../auth/tenant-access.ts';
import { loadEdgeConfig, type EdgeConfig } from '../config.ts';
import { isJobId, randomJobId } from '../jobs/enqueue/job-id.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { readScheduleRequest } from './schedule-request.ts';
import { ScheduleLimitProblem, scheduleNotFound, ScheduleSlotBusyProblem } from './schedule-problems.ts';
import { deleteSchedule, listSchedules, readSchedule, runScheduleNow, SchedulerRefusedError, upsertSchedule, type UpsertOutcome } from './schedule-store.ts';
import { runUrl, scheduleSummary, scheduleView, storedView } from './schedule-view.ts';

export const schedulesRoutes = new OpenAPIHono<AppEnv>();

const SCHEDULE_ID = /\.sc-[0-9a-f-]{36}$/;

/** The `:id` parameter when it names a schedule the caller may see; otherwise the unknown-id 404. */
function accessibleScheduleId(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!isJobId(id) || !SCHEDULE_ID.test(id) || !mayAccessId(c, id)) throw scheduleNotFound(id);
  return id;
}

async function store(c: Context<AppEnv>, config: EdgeConfig, id: string, request: ScheduleRequest, mode: 'create' | 'update'): Promise<UpsertOutcome> {
  const input = {
    id, request, tenant: c.get('tenant'), submittedBy: c.get('apiKeyId'), now: Date.now(),
    runOptions: {
      backoffMs: config.backoffMs, keepCompleted: config.keepCompleted, keepFailed: config.keepFailed,
      // A crawl run is created by a worker with the edge's crawl settings.
      canonical: config.canonicalUrl, crawlWindow: config.crawl.window, crawlMaxDiscovered: config.crawl.maxDiscovered,
    },
  };
  try {
    return await withBroker(() => upsertSchedule(upstashClient(config.broker), config.prefix, input, mode, config.maxSchedules));
  } catch (error) {
    if (error instanceof SchedulerRefusedError) throw new ScheduleSlotBusyProblem();
    throw error;
  }
}

function answer(c: Context<AppEnv>, config: EdgeConfig, id: string, request: ScheduleRequest, outcome: UpsertOutcome, status: 200 | 201) {
  if (outcome.kind === 'limit') throw new ScheduleLimitProblem(outcome.count, config.maxSchedules);
  if (outcome.kind === 'not-found') throw scheduleNotFound(id);
  const view = storedView(id, request, outcome.kind === 'scheduled' ? outcome.nextFireAt : null, c.req.url);
  if (status === 201) c.header('location', view.statusUrl);
  return c.json(view, status);
}

schedulesRoutes.post('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  const request = await readScheduleRequest(c, config);
  const id = randomJobId(c.get('tenant'), 'sc');
  return answer(c, config, id, request, await store(c, config, id, request, 'create'), 201);
});

schedulesRoutes.get('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  // A tenant holds at most maxSchedules (0 = no cap: the first 1,000).
  const limit = config.maxSchedules > 0 ? config.maxSchedules : 1000;
  const rows = await withBroker(() => listSchedules(upstashClient(config.broker), config.prefix, c.get('tenant').tag, limit));
  return c.json({ schedules: rows.map(scheduleSummary) });
});

schedulesRoutes.get('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleScheduleId(c);
  const stored = await withBroker(() => readSchedule(upstashClient(config.broker), config.prefix, id));
  if (!stored?.fields.def) throw scheduleNotFound(id);
  return c.json(scheduleView(id, stored, c.req.url));
});

schedulesRoutes.put('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleScheduleId(c);
  const request = await readScheduleRequest(c, config);
  return answer(c, config, id, request, await store(c, config, id, request, 'update'), 200);
});

schedulesRoutes.delete('/:id', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleScheduleId(c);
  if (!(await withBroker(() => deleteSchedule(upstashClient(config.broker), config.prefix, id)))) throw scheduleNotFound(id);
  return c.body(null, 204);
});

schedulesRoutes.post('/:id/run', async (c) => {
  const config = loadEdgeConfig(c.env);
  const id = accessibleScheduleId(c);
  const run = await withBroker(() => runScheduleNow(upstashClient(config.broker), config.prefix, id));
  if (!run) throw scheduleNotFound(id);
  return c.json({ scheduleId: id, runId: run.runId, kind: run.kind, statusUrl: runUrl(c.req.url, run.kind, run.runId) }, 202);
});
