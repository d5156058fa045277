/**
 * @module test/schedules/schedule-stack
 * Real processes for the schedule suites: redis-server ×2, REST servers, the edge under
 * wrangler dev (minimum interval lowered to 200 ms), N worker processes with fast stalled-job
 * detection, and a loopback site; helpers read a schedule through the edge.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { waitFor } from '../../dev/local/wait-for.ts';
import { SCHEDULE_QUEUE_NAME } from '../../shared/schedules/schedule-keys.ts';
import { startLocalStack, type LocalStack } from '../../dev/local/local-stack.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';

export const SITE_HOST = '127.0.0.2';

export interface RunView { runId: string; kind: string; scheduledFor: string | null; firedAt: string; manual: boolean; status: string; state: string; statusUrl: string | null }
export interface ScheduleView { id: string; fired: number; skipped: number; nextFireAt: string | null; lastError: unknown; runs: RunView[] }

export interface ScheduleStack {
  stack: LocalStack;
  site: TestSite;
  edge: EdgeClient;
  broker: Redis;
  results: Redis;
  prefix: string;
  /** QUARRY_URL and QUARRY_API_KEY for the CLI. */
  cliEnv: Record<string, string>;
  create(body: Record<string, unknown>): Promise<string>;
  view(id: string): Promise<ScheduleView>;
  put(id: string, body: Record<string, unknown>): Promise<Response>;
  /** Waits until `count` workers listen on the schedule queue (a worker process starts it last). */
  fleetReady(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startScheduleStack(options: { workers: number; hosts?: string[]; workerEnv?: Record<string, string> }): Promise<ScheduleStack> {
  const hosts = options.hosts ?? [SITE_HOST];
  const site = await startTestSite({ hosts });
  const prefix = `{quarry-sched-${randomBytes(3).toString('hex')}}`;
  const apiKey = `sched-${randomBytes(8).toString('hex')}`;
  const token = randomBytes(12).toString('hex');
  const stack = await startLocalStack({
    prefix, edge: true, workers: options.workers,
    devVars: { UPSTASH_REDIS_REST_TOKEN: token, RESULT_UPSTASH_REDIS_REST_TOKEN: token, API_KEYS: apiKey },
    edgeVars: { QUARRY_MIN_SCHEDULE_INTERVAL_MS: '200' },
    workerEnv: {
      QUARRY_ALLOW_PRIVATE_CIDRS: hosts.map((host) => `${host}/32`).join(','),
      LOG_LEVEL: 'warn', QUARRY_HEALTH_PORT: '0', QUARRY_DOMAIN_RATES: 'none', QUARRY_DOMAIN_CONCURRENCY: '0',
      // A killed worker's jobs (fire jobs too) come back within seconds.
      QUARRY_STALLED_INTERVAL_MS: '1000', QUARRY_LOCK_DURATION_MS: '2000',
      ...options.workerEnv,
    },
  });
  const broker = new Redis(stack.brokerRedis.url, { maxRetriesPerRequest: null });
  const results = new Redis(stack.resultsRedis.url, { maxRetriesPerRequest: null });
  for (const client of [broker, results]) client.on('error', () => undefined); // outage tests stop Redis
  const edge = edgeClient(stack.edge!.url, apiKey);
  const send = (method: string, path: string, body: unknown) => fetch(stack.edge!.url + path, {
    method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return {
    stack, site, edge, broker, results, prefix,
    cliEnv: { QUARRY_URL: stack.edge!.url, QUARRY_API_KEY: apiKey },
    async create(body) {
      const res = await edge.post('/v1/schedules', body);
      if (res.status !== 201) throw new Error(`POST /v1/schedules answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async view(id) {
      const res = await edge.get(`/v1/schedules/${id}`);
      if (res.status !== 200) throw new Error(`GET /v1/schedules/${id} answered ${res.status}`);
      return (await res.json()) as ScheduleView;
    },
    put: (id, body) => send('PUT', `/v1/schedules/${id}`, body),
    async fleetReady(count) {
      const queue = new Queue(SCHEDULE_QUEUE_NAME, { connection: broker, prefix });
      try {
        await waitFor(async () => (await queue.getWorkersCount()) >= count, { timeoutMs: 60_000, intervalMs: 200, description: `${count} schedule workers` });
      } finally {
        await queue.close();
      }
    },
    async close() {
      broker.disconnect();
      results.disconnect();
      await stack.stop();
      await site.close();
    },
  };
}

/** Slot times (ms) of the scheduled (not manual) runs, ascending. */
export function slotsOf(view: ScheduleView): number[] {
  return view.runs.filter((run) => !run.manual && run.scheduledFor).map((run) => Date.parse(run.scheduledFor!)).sort((a, b) => a - b);
}
