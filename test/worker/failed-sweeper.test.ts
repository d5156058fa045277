/**
 * The failed-job sweeper: a job failed where no Quarry `failed` listener ran (here a plain
 * BullMQ worker fails it, as the stalled-job check or a worker killed inside its listener
 * would leave it) still gets its batch failure counted and its failure callback delivered,
 * once, however many sweeps read it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { batchKey } from '../../shared/batch-keys.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { sweeperKeys } from '../../worker/src/effects/failed-sweeper.ts';
import { HOST_A, HOST_B, jobData, jobOptions, startHarness, type Harness } from './harness.ts';

let h: Harness;
let receiver: Server;
let receiverUrl: string;
let broker: Redis;
const deliveries: { jobId: string; event: string; delivery: string }[] = [];

beforeAll(async () => {
  h = await startHarness();
  broker = new Redis(h.broker.url);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { jobId: string; event: string };
      deliveries.push({ jobId: parsed.jobId, event: parsed.event, delivery: String(req.headers['quarry-delivery']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, HOST_B, resolve));
  receiverUrl = `http://${HOST_B}:${(receiver.address() as AddressInfo).port}/hook`;
  // This worker takes no scrape jobs (autorun off): only its sweeper and its callback deliveries run.
  await h.startWorker({ callbackSecret: 'sweep-secret', callbackBackoffMs: 50, failedSweepIntervalMs: 200 }, { autorun: false });
});

afterAll(async () => {
  broker?.disconnect();
  await h?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('failed-job sweeper', () => {
  it('counts a failure no listener saw in its batch and calls back once, over many sweeps', async () => {
    const batchId = 'b-swept';
    await broker.hset(batchKey(h.prefix, batchId), { items: 1, total: 1, createdAt: Date.now() });
    const data = { ...jobData({ url: `http://${HOST_A}/never-fetched`, callbackUrl: receiverUrl, attempts: 1 }), batchId };
    const job = await h.queue.add(data.request.mode, data, jobOptions(data.request));

    const outsider = new Worker(QUEUE_NAME, async () => {
      throw new UnrecoverableError('failed where no Quarry listener runs');
    }, { connection: { host: '127.0.0.1', port: h.broker.port }, prefix: h.prefix });
    const failed = await h.settled(job, ['failed']);
    await outsider.close();

    await waitFor(() => deliveries.some((d) => d.jobId === job.id && d.event === 'job.failed'), { description: 'the failure callback' });
    // Several more sweeps, each with the job inside its window (the margin is 10 s).
    const checkpoints = new Set<string>();
    await waitFor(async () => {
      const checkpoint = await broker.get(sweeperKeys(h.prefix).checkpoint);
      if (checkpoint && Number(checkpoint) > failed.finishedOn!) checkpoints.add(checkpoint);
      return checkpoints.size >= 4;
    }, { timeoutMs: 10_000, description: 'four sweeps after the failure' });

    expect(await broker.hgetall(batchKey(h.prefix, batchId))).toMatchObject({ total: '1', failed: '1' });
    expect(deliveries.filter((d) => d.jobId === job.id)).toEqual([{ jobId: job.id, event: 'job.failed', delivery: `cb-${job.id}-0-failed` }]);
  });
});
