/**
 * Cancelling throttled jobs (the edge's cancel script, run through the REST server as the edge
 * runs it) frees the domain slots they had reserved and counts them in their batch: a fresh job
 * for the domain then runs at once instead of queueing behind the cancelled ones' slots.
 */
import { Redis as UpstashRedis } from '@upstash/redis/cloudflare';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { startRestServer, type RestServerHandle } from '../../dev/rest-server/index.ts';
import { readBatch } from '../../edge/src/batches/batch-records.ts';
import { cancelJob } from '../../edge/src/jobs/cancel-and-retry.ts';
import { enqueueBatchItems } from '../../edge/src/jobs/enqueue/enqueue-batch.ts';
import { enqueueJob } from '../../edge/src/jobs/enqueue/enqueue-job.ts';
import type { EnqueueInput } from '../../edge/src/jobs/enqueue/enqueue-plan.ts';
import { BATCH_TTL_SECONDS } from '../../shared/batch-keys.ts';
import { domainKey } from '../../shared/domain-key.ts';
import { domainKeys } from '../../shared/domain-keys.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

const JOBS = 1000;
/** 1 request per second: 1,000 reservations reach ~17 minutes ahead. */
const RATE = '1/1000';

let h: Harness;
let rest: RestServerHandle;
let upstash: UpstashRedis;
let broker: Redis;

beforeAll(async () => {
  h = await startHarness();
  rest = await startRestServer({ redisUrl: h.broker.url, token: 'cancel-test-token' });
  upstash = new UpstashRedis({ url: rest.url, token: rest.token, automaticDeserialization: false, enableTelemetry: false });
  broker = new Redis(h.broker.url);
  await h.startWorker({ domainRates: RATE, domainConcurrency: 0 });
});

afterAll(async () => {
  broker?.disconnect();
  await rest?.close();
  await h?.close();
});

const options = { backoffMs: 10, keepCompleted: { count: 5000, age: 3600 }, keepFailed: { count: 5000, age: 3600 } };
const input = (jobId: string, path: string, batchId?: string): EnqueueInput => ({
  prefix: h.prefix, jobId, request: jobRequestSchema.parse({ url: h.site.url(HOST_A, path) }), options,
  ...(batchId ? { batchId } : {}),
});

describe('DELETE /v1/jobs/:id on throttled jobs', () => {
  it(`frees the reserved slots of ${JOBS} deferred jobs, so the next job for the domain runs promptly, and the batch balances`, async () => {
    const domain = domainKey(h.site.url(HOST_A, '/'));
    const log = domainKeys(h.prefix, domain).log;
    const batchId = 'b-cancel';
    const inputs = Array.from({ length: JOBS }, (_, i) => input(`${batchId}-${i}`, `/page/${i}`, batchId));
    await enqueueBatchItems(upstash, inputs, { prefix: h.prefix, batchId, ttlSeconds: BATCH_TTL_SECONDS, fields: { items: JOBS, createdAt: Date.now() } });

    // The worker meets each job once, is denied and sends it to the delayed set holding its slot.
    await waitFor(async () => (await broker.zcount(log, '-inf', '+inf')) >= JOBS - 5 && (await h.queue.getJobCounts('wait')).wait === 0,
      { timeoutMs: 30_000, description: 'every job deferred with a reservation' });
    const furthest = Number((await broker.zrange(log, -1, -1, 'WITHSCORES'))[1]);
    expect(furthest - Date.now()).toBeGreaterThan(10 * 60_000);

    let cancelled = 0;
    for (const { jobId } of inputs) {
      const outcome = await cancelJob(upstash, h.prefix, jobId);
      if (outcome.ok) cancelled++;
      else expect(['active', 'completed']).toContain(outcome.state); // the few whose slot came
    }
    expect(cancelled).toBeGreaterThan(JOBS - 10);
    const reservations = (await broker.zrange(log, 0, -1)).filter((member) => member.startsWith('r:'));
    expect(reservations.length).toBeLessThan(5);
    // Cancelling again changes nothing (the job is gone: 404 at the API).
    expect(await cancelJob(upstash, h.prefix, inputs.at(-1)!.jobId)).toEqual({ ok: false, state: null });

    const started = Date.now();
    const fresh = await enqueueJob(upstash, input('fresh-after-cancel', '/page/fresh'));
    const job = await h.queue.getJob(fresh.id);
    await h.settled(job!, ['completed'], 10_000);
    expect(Date.now() - started).toBeLessThan(5_000);

    await waitFor(async () => (await readBatch(upstash, h.prefix, batchId))?.pending === 0, { timeoutMs: 15_000, description: 'the batch to settle' });
    const view = (await readBatch(upstash, h.prefix, batchId))!;
    expect(view).toMatchObject({ items: JOBS, total: JOBS, cancelled, failed: 0, state: 'finished' });
    expect(view.completed + view.failed + view.cancelled + view.pending).toBe(view.total);
  });
});
