/**
 * The schedule scripts on a real redis-server (through the REST server, as the edge sends
 * them): the scheduler the edge stores is the one BullMQ's `Queue.upsertJobScheduler` stores,
 * and a real BullMQ Worker carries it on slot after slot; the fire processor claims a slot
 * once however often (or however concurrently) its fire job runs, and `catchUp` fires at most
 * MAX_CATCH_UP_SLOTS missed slots.
 */
import { Redis as UpstashRedis } from '@upstash/redis/cloudflare';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { FIRE_JOB_OPTIONS } from '../../edge/src/schedules/schedule-plan.ts';
import { upsertSchedule } from '../../edge/src/schedules/schedule-store.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { MAX_CATCH_UP_SLOTS, SCHEDULE_QUEUE_NAME, scheduleKey, scheduleRunsKey } from '../../shared/schedules/schedule-keys.ts';
import { scheduleRequestSchema, type FireJobData, type ScheduleRequestInput } from '../../shared/schedules/schedule-schema.ts';
import { createFireProcessor } from '../../worker/src/schedules/fire-processor.ts';
import { startBrokerStack, type BrokerStack } from '../support/broker-stack.ts';

let stack: BrokerStack;
let upstash: UpstashRedis;
let redis: IORedis;

beforeAll(async () => {
  stack = await startBrokerStack();
  upstash = new UpstashRedis({ url: stack.broker.rest.url, token: stack.broker.rest.token, automaticDeserialization: false, enableTelemetry: false });
  redis = new IORedis(stack.broker.redis.url, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis.disconnect();
  await stack.stop();
});

const newPrefix = () => `{quarry-sched-${Math.random().toString(36).slice(2, 8)}}`;
const tenant = { name: 'acme', tag: 'a1b2c3d4e5f6' };
const runOptions = { backoffMs: 50, keepCompleted: { count: 100, age: 3600 }, keepFailed: { count: 100, age: 3600 }, canonical: {}, crawlWindow: 5, crawlMaxDiscovered: 10_000 };
const target = { job: { url: 'http://127.0.0.2/page/1', extract: { h: 'h1' } } };
let counter = 0;
const newId = () => `${tenant.tag}.sc-00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

async function edgeCreate(prefix: string, id: string, body: ScheduleRequestInput, now = Date.now()) {
  return upsertSchedule(upstash, prefix, { id, request: scheduleRequestSchema.parse(body), tenant, submittedBy: 'key1', runOptions, now }, 'create', 10);
}

/** The scheduler hash and the next fire job's name, data and options, as stored. */
async function stored(prefix: string, id: string) {
  const base = `${prefix}:${SCHEDULE_QUEUE_NAME}:`;
  const scheduler = await redis.hgetall(`${base}repeat:${id}`);
  const next = await redis.zscore(`${base}repeat`, id);
  const job = await redis.hgetall(`${base}repeat:${id}:${next}`);
  const opts = JSON.parse(job.opts!) as Record<string, unknown>;
  delete opts.timestamp; // the clocks of the two producers
  return { scheduler, next: Number(next), job: { name: job.name, data: JSON.parse(job.data!) as unknown, opts, delay: Number(job.delay) } };
}

describe('the scheduler the edge stores', () => {
  it('is what Queue.upsertJobScheduler stores, for cron (with time zone) and for everyMs', async () => {
    for (const repeat of [{ cron: '*/5 * * * *', timezone: 'Asia/Tokyo' }, { everyMs: 90_000 }]) {
      const edgePrefix = newPrefix();
      const queuePrefix = newPrefix();
      const id = newId();
      const outcome = await edgeCreate(edgePrefix, id, { name: 'n', ...repeat, target });
      expect(outcome.kind).toBe('scheduled');
      const queue = new Queue(SCHEDULE_QUEUE_NAME, { connection: redis, prefix: queuePrefix });
      const bullRepeat = 'cron' in repeat ? { pattern: repeat.cron, tz: repeat.timezone } : { every: repeat.everyMs };
      await queue.upsertJobScheduler(id, bullRepeat, { name: 'fire', data: { scheduleId: id } satisfies FireJobData, opts: FIRE_JOB_OPTIONS });
      const [ours, theirs] = [await stored(edgePrefix, id), await stored(queuePrefix, id)];
      // The first slot: the same cron time; an interval's starts "now" on each side's clock.
      if ('cron' in repeat) expect(ours.next).toBe(theirs.next);
      else expect(Math.abs(ours.next - theirs.next)).toBeLessThan(5_000);
      // cjson re-encodes the template options: same fields, its own key order.
      const { offset: ourOffset, opts: ourOpts, ...ourScheduler } = ours.scheduler;
      const { offset: theirOffset, opts: theirOpts, ...theirScheduler } = theirs.scheduler;
      expect(ourScheduler).toEqual(theirScheduler);
      expect(JSON.parse(ourOpts!)).toEqual(JSON.parse(theirOpts!));
      expect(ourOffset === undefined).toBe(theirOffset === undefined);
      const strip = (opts: Record<string, unknown>) => ({ ...opts, jobId: undefined, prevMillis: undefined, delay: undefined, repeat: { ...(opts.repeat as object), offset: undefined } });
      expect(ours.job.name).toBe(theirs.job.name);
      expect(ours.job.data).toEqual(theirs.job.data);
      expect(strip(ours.job.opts)).toEqual(strip(theirs.job.opts));
      await queue.close();
    }
  });

  it('is carried on by a real Worker, one fire job per slot', async () => {
    const prefix = newPrefix();
    const id = newId();
    await edgeCreate(prefix, id, { name: 'n', everyMs: 300, target });
    const seen: string[] = [];
    const connection = redis.duplicate();
    const worker = new Worker(SCHEDULE_QUEUE_NAME, async (job: Job) => { seen.push(job.id!); }, { connection, prefix });
    await waitFor(() => seen.length >= 4, { timeoutMs: 15_000, description: '4 fire jobs' });
    await worker.close();
    connection.disconnect();
    const slots = seen.map((jobId) => Number(jobId.split(':').at(-1)));
    expect(new Set(seen).size).toBe(seen.length);
    for (let i = 2; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(300);
  });
});

describe('the fire processor', () => {
  const logger = pino({ level: 'silent' });
  const fireJob = (id: string, slot: number, data: Partial<FireJobData> = {}) => ({ id: `repeat:${id}:${slot}`, data: { scheduleId: id, ...data } }) as Job<FireJobData>;

  it('claims a slot once when its fire job runs twice, or twice at once', async () => {
    const prefix = newPrefix();
    const id = newId();
    await edgeCreate(prefix, id, { name: 'n', cron: '0 0 1 1 *', overlap: 'allow', target });
    const scrape = new Queue(QUEUE_NAME, { connection: redis, prefix });
    const fire = createFireProcessor({ broker: redis, scrape, prefix, logger });
    const slot = 1_800_000_000_000;
    const first = await fire(fireJob(id, slot));
    const again = await fire(fireJob(id, slot)); // re-run after a SIGKILL
    expect(first.runs).toEqual([{ runId: expect.stringMatching(/^a1b2c3d4e5f6\.sr-/), status: 'started' }]);
    expect(again.runs).toEqual(first.runs);
    const raced = await Promise.all([fire(fireJob(id, slot + 60_000)), fire(fireJob(id, slot + 60_000))]);
    expect(raced[0]!.runs).toEqual(raced[1]!.runs);
    expect(raced[0]!.runs[0]!.status).toBe('started');
    // Two runs recorded (one per slot), two scrape jobs with the run ids.
    const runs = (await redis.lrange(scheduleRunsKey(prefix, id), 0, -1)).map((entry) => JSON.parse(entry) as { runId: string; status: string });
    expect(runs).toHaveLength(2);
    expect(await scrape.getJobCountByTypes('wait')).toBe(2);
    expect((await scrape.getJob(first.runs[0]!.runId))?.data).toMatchObject({ tenant: 'acme', scheduleId: id, request: { url: target.job.url } });
    // An older slot than the last one claimed is stale, never run.
    expect((await fire(fireJob(id, slot - 60_000))).runs[0]!.status).toBe('stale');
    expect(await redis.hget(scheduleKey(prefix, id), 'fired')).toBe('2');
    await scrape.close();
  });

  it('fires at most MAX_CATCH_UP_SLOTS missed slots with catchUp, none without', async () => {
    const prefix = newPrefix();
    const scrape = new Queue(QUEUE_NAME, { connection: redis, prefix });
    const fire = createFireProcessor({ broker: redis, scrape, prefix, logger });
    for (const catchUp of [true, false]) {
      const id = newId();
      await edgeCreate(prefix, id, { name: 'n', everyMs: 60_000, catchUp, overlap: 'allow', target });
      const slot = 1_800_000_000_000;
      await fire(fireJob(id, slot, catchUp ? { catchUp } : {}));
      const later = slot + 30 * 60_000; // 29 slots missed
      const outcome = await fire(fireJob(id, later, catchUp ? { catchUp } : {}));
      expect(outcome.runs.filter((run) => run.status === 'started')).toHaveLength(catchUp ? MAX_CATCH_UP_SLOTS + 1 : 1);
    }
    // Re-defined (PUT, e.g. re-enabled) 25 minutes into an outage: only the slots after that.
    const id = newId();
    const body = scheduleRequestSchema.parse({ name: 'n', everyMs: 60_000, catchUp: true, overlap: 'allow', target });
    const slot = 1_800_000_000_000;
    await edgeCreate(prefix, id, body);
    await fire(fireJob(id, slot, { catchUp: true }));
    await upsertSchedule(upstash, prefix, { id, request: body, tenant, submittedBy: 'key1', runOptions, now: slot + 25 * 60_000 + 1 }, 'update', 10);
    const outcome = await fire(fireJob(id, slot + 30 * 60_000, { catchUp: true }));
    expect(outcome.runs.filter((run) => run.status === 'started')).toHaveLength(5); // +26..+29 missed, +30 due
    await scrape.close();
  });
});
