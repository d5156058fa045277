/**
 * Contract between the edge's enqueue (BullMQ's Lua over Upstash REST) and the pinned BullMQ:
 * a job the edge stores is the job `Queue.add` would store, and a real Worker runs it with
 * data, attempts, backoff, priority and delay intact.
 */
import { Redis as UpstashRedis } from '@upstash/redis/cloudflare';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { enqueueJob, type EnqueueInput } from '../../edge/src/jobs/enqueue/enqueue-job.ts';
import { enqueueBatch, enqueueBatchItems } from '../../edge/src/jobs/enqueue/enqueue-batch.ts';
import { buildJobOptions } from '../../edge/src/jobs/enqueue/job-options.ts';
import { batchDedupKey, batchItemsKey, batchKey } from '../../shared/batch-keys.ts';
import { domainKey } from '../../shared/domain-key.ts';
import { jobRequestSchema, type JobRequest, type JobRequestInput } from '../../shared/job-schema.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
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

const options = { backoffMs: 50, keepCompleted: { count: 100, age: 3600 }, keepFailed: { count: 100, age: 3600 } };
const newPrefix = () => `{quarry-contract-${Math.random().toString(36).slice(2, 8)}}`;

function input(prefix: string, jobId: string, request: JobRequestInput): EnqueueInput & { request: JobRequest } {
  return { prefix, jobId, request: jobRequestSchema.parse(request), submittedBy: 'abc123', options, now: 1_764_000_000_000 };
}

describe('edge enqueue vs Queue.add', () => {
  it('stores the same job hash as Queue.add for standard, delayed and prioritized jobs', async () => {
    const prefix = newPrefix();
    const queue = new Queue(QUEUE_NAME, { connection: redis, prefix });
    for (const [n, request] of [
      { url: 'https://example.com/s', extract: { t: 'h1', 'all[]': 'a' } },
      { url: 'https://example.com/d', delayMs: 5000 },
      { url: 'https://example.com/p', priority: 7, attempts: 5 },
    ].entries()) {
      const edgeInput = input(prefix, `edge-${n}`, request);
      await enqueueJob(upstash, edgeInput);
      const data = { request: edgeInput.request, acceptedAt: edgeInput.now, submittedBy: 'abc123', domain: domainKey(edgeInput.request.url) };
      const { jobId: _ignored, ...opts } = buildJobOptions(edgeInput.request, `bull-${n}`, options);
      await queue.add(edgeInput.request.mode, data, { ...opts, jobId: `bull-${n}`, timestamp: edgeInput.now } as never);

      const edgeHash = await redis.hgetall(`${prefix}:${QUEUE_NAME}:edge-${n}`);
      const bullHash = await redis.hgetall(`${prefix}:${QUEUE_NAME}:bull-${n}`);
      expect(JSON.parse(edgeHash.data!)).toEqual(JSON.parse(bullHash.data!));
      const edgeOpts = JSON.parse(edgeHash.opts!);
      const bullOpts = JSON.parse(bullHash.opts!);
      // Queue.add also stores the `timestamp` option we pinned it with; the ids differ by design.
      delete bullOpts.timestamp;
      expect({ ...edgeOpts, jobId: 'x' }).toEqual({ ...bullOpts, jobId: 'x' });
      for (const field of ['name', 'timestamp', 'delay', 'priority'] as const) expect(edgeHash[field]).toBe(bullHash[field]);
    }
    expect(await queue.getJobCounts('wait', 'delayed', 'prioritized')).toEqual({ wait: 2, delayed: 2, prioritized: 2 });
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('stores one job for the same id twice and reports the duplicate', async () => {
    const prefix = newPrefix();
    const first = await enqueueJob(upstash, input(prefix, 'ik-same', { url: 'https://example.com/x' }));
    const second = await enqueueJob(upstash, input(prefix, 'ik-same', { url: 'https://example.com/other' }));
    expect(first).toMatchObject({ id: 'ik-same', duplicate: false });
    expect(second).toMatchObject({ id: 'ik-same', duplicate: true });
    expect(await redis.llen(`${prefix}:${QUEUE_NAME}:wait`)).toBe(1);
    const stored = JSON.parse((await redis.hget(`${prefix}:${QUEUE_NAME}:ik-same`, 'data'))!);
    expect(stored.request.url).toBe('https://example.com/x');
  });

  it('a batch item stores what Queue.add stores, and its ledger counts it once however often it is sent', async () => {
    const prefix = newPrefix();
    const queue = new Queue(QUEUE_NAME, { connection: redis, prefix });
    const requests = [
      { url: 'https://example.com/s' }, { url: 'https://example.com/d', delayMs: 5000 }, { url: 'https://example.com/p', priority: 3 },
      { url: 'https://example.com/again' },
    ];
    const inputs = requests.map((request, n) => ({ ...input(prefix, n === 3 ? 'b-x-0' : `b-x-${n}`, request), batchId: 'b-x' }));
    const ledger = { prefix, batchId: 'b-x', ttlSeconds: 60, fields: { items: inputs.length } };
    const first = await enqueueBatchItems(upstash, inputs, ledger);
    const second = await enqueueBatchItems(upstash, inputs, ledger, { chunkSize: 3 });
    expect(first.map((o) => [o.id, o.duplicate, o.replayed])).toEqual([['b-x-0', false, false], ['b-x-1', false, false], ['b-x-2', false, false], ['b-x-0', true, false]]);
    expect(second.map((o) => [o.id, o.duplicate, o.replayed])).toEqual([['b-x-0', true, true], ['b-x-1', true, true], ['b-x-2', true, true], ['b-x-0', true, true]]);
    expect(await redis.hgetall(batchKey(prefix, 'b-x'))).toEqual({ items: '4', total: '3', deduplicated: '1' });
    expect(await redis.getbit(batchItemsKey(prefix, 'b-x'), 3)).toBe(1);
    expect(await redis.hgetall(batchDedupKey(prefix, 'b-x'))).toEqual({ 3: 'b-x-0' });
    expect(await redis.ttl(batchItemsKey(prefix, 'b-x'))).toBeGreaterThan(0);
    for (const [n, edgeInput] of inputs.slice(0, 3).entries()) {
      const { jobId: _ignored, ...opts } = buildJobOptions(edgeInput.request, `bull-${n}`, options);
      const data = { request: edgeInput.request, acceptedAt: edgeInput.now, submittedBy: 'abc123', batchId: 'b-x', domain: 'example.com' };
      await queue.add(edgeInput.request.mode, data, { ...opts, jobId: `bull-${n}`, timestamp: edgeInput.now } as never);
      const edgeHash = await redis.hgetall(`${prefix}:${QUEUE_NAME}:b-x-${n}`);
      const bullHash = await redis.hgetall(`${prefix}:${QUEUE_NAME}:bull-${n}`);
      expect(JSON.parse(edgeHash.data!)).toEqual(JSON.parse(bullHash.data!));
      const bullOpts = JSON.parse(bullHash.opts!);
      delete bullOpts.timestamp;
      expect({ ...JSON.parse(edgeHash.opts!), jobId: 'x' }).toEqual({ ...bullOpts, jobId: 'x' });
    }
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('costs one REST round trip per enqueue once the script is cached', async () => {
    const prefix = newPrefix();
    await enqueueJob(upstash, input(prefix, 'warm-up', { url: 'https://example.com/w' }));
    stack.broker.rest.resetStats();
    for (let i = 0; i < 20; i++) await enqueueJob(upstash, input(prefix, `rt-${i}`, { url: 'https://example.com/r' }));
    expect(stack.broker.rest.stats().requests).toBe(20);
  });
});

describe('a real BullMQ Worker runs edge-enqueued jobs', () => {
  it('keeps data, retries with backoff, honours priority and delay', async () => {
    const prefix = newPrefix();
    const seen: { id: string; attempt: number; at: number; data: unknown }[] = [];
    const enqueuedAt = Date.now();
    await enqueueJob(upstash, { ...input(prefix, 'flaky', { url: 'https://example.com/flaky', attempts: 3 }), now: enqueuedAt });
    await enqueueJob(upstash, { ...input(prefix, 'late', { url: 'https://example.com/late', delayMs: 400 }), now: enqueuedAt });
    await enqueueJob(upstash, { ...input(prefix, 'p-low', { url: 'https://example.com/low', priority: 9 }), now: enqueuedAt });
    await enqueueJob(upstash, { ...input(prefix, 'p-high', { url: 'https://example.com/high', priority: 1 }), now: enqueuedAt });

    const worker = new Worker(QUEUE_NAME, async (job: Job) => {
      seen.push({ id: job.id!, attempt: job.attemptsMade + 1, at: Date.now(), data: job.data });
      if (job.id === 'flaky' && job.attemptsMade === 0) throw new Error('first attempt fails');
    }, { connection: redis.duplicate(), prefix, concurrency: 1 });
    await waitFor(() => seen.filter((s) => s.id === 'flaky').length === 2 && seen.some((s) => s.id === 'late'), { timeoutMs: 10_000, description: 'all jobs to run' });
    await worker.close();

    const order = seen.map((s) => s.id);
    expect(order.indexOf('p-high')).toBeLessThan(order.indexOf('p-low'));
    const late = seen.find((s) => s.id === 'late')!;
    expect(late.at - enqueuedAt).toBeGreaterThanOrEqual(400);
    const flaky = seen.filter((s) => s.id === 'flaky');
    expect(flaky.map((s) => s.attempt)).toEqual([1, 2]);
    expect(flaky[1]!.at - flaky[0]!.at).toBeGreaterThanOrEqual(20); // 50 ms backoff with 50% jitter
    expect(flaky[0]!.data).toMatchObject({ request: { url: 'https://example.com/flaky', mode: 'http', attempts: 3 }, submittedBy: 'abc123' });
  });
});
