/**
 * A job whose workers keep dying under it: BullMQ's stalled-job check fails it inside its Lua
 * once it stalled more than maxStalledCount (2) times, and no worker's `failed` listener sees
 * it. The failed-job sweeper still counts it in its batch and sends its failure callback,
 * exactly once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchKey } from '../../shared/batch-keys.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { sweeperKeys } from '../../worker/src/effects/failed-sweeper.ts';
import { SITE_HOST, startFaultStack, waitFor, type FaultStack } from './fault-stack.ts';

let f: FaultStack;
let receiver: Server;
let receiverUrl: string;
const deliveries: { jobId: string; event: string; error?: string; delivery: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { jobId: string; event: string; error?: string };
      deliveries.push({ jobId: parsed.jobId, event: parsed.event, error: parsed.error, delivery: String(req.headers['quarry-delivery']) });
      res.writeHead(204).end();
    });
  });
  // On the site's address: the SSRF guard lets exactly that one through.
  await new Promise<void>((resolve) => receiver.listen(0, SITE_HOST, resolve));
  receiverUrl = `http://${SITE_HOST}:${(receiver.address() as AddressInfo).port}/hook`;
  f = await startFaultStack({
    workers: 0,
    workerEnv: { QUARRY_FAILED_SWEEP_INTERVAL_MS: '300', QUARRY_CALLBACK_SECRET: 'stall-secret', QUARRY_CALLBACK_BACKOFF_MS: '50' },
  });
}, 60_000);

afterAll(async () => {
  await f?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('failures counted whatever the path', () => {
  it('a job failed by the stalled-job check (its worker killed three times) gets its batch failure and its failure callback once', async () => {
    const batchId = 'b-stalled';
    await f.broker.hset(batchKey(f.prefix, batchId), { items: 1, total: 1, createdAt: Date.now() });
    const path = '/slow?ms=60000&case=stalled';
    const request = jobRequestSchema.parse({ url: f.site.url(SITE_HOST, path), callbackUrl: receiverUrl, attempts: 3 });
    await f.queue.add(request.mode, { request, acceptedAt: Date.now(), batchId }, { jobId: 'stalled-job', attempts: request.attempts });

    // maxStalledCount is 2: the third stall fails the job, without spending its attempts.
    for (let kill = 1; kill <= 3; kill++) {
      const victim = f.stack.addWorker();
      await waitFor(() => f.hits(path) === kill, { timeoutMs: 30_000, description: `worker ${kill} to start fetching` });
      await victim.kill();
    }
    f.stack.addWorker();
    await waitFor(async () => (await f.state('stalled-job')) === 'failed', { timeoutMs: 30_000, description: 'the stalled-job check to fail the job' });
    const job = await f.queue.getJob('stalled-job');
    expect(job!.failedReason).toMatch(/stalled/);

    await waitFor(() => deliveries.some((d) => d.jobId === 'stalled-job'), { timeoutMs: 15_000, description: 'the failure callback' });
    // More sweeps with the job in their window: still counted and called back once.
    const checkpoints = new Set<string>();
    await waitFor(async () => {
      const checkpoint = await f.broker.get(sweeperKeys(f.prefix).checkpoint);
      if (checkpoint && Number(checkpoint) > job!.finishedOn!) checkpoints.add(checkpoint);
      return checkpoints.size >= 3;
    }, { timeoutMs: 15_000, description: 'three sweeps after the failure' });
    expect(await f.broker.hgetall(batchKey(f.prefix, batchId))).toMatchObject({ total: '1', failed: '1' });
    expect(deliveries.filter((d) => d.jobId === 'stalled-job')).toEqual([
      { jobId: 'stalled-job', event: 'job.failed', error: job!.failedReason, delivery: 'cb-stalled-job-0-failed' },
    ]);
    expect(f.hits(path)).toBe(3);
  });
});
