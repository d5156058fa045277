/**
 * Scaling on one machine, real processes: a 2,000-job burst makes the local scaler (the KEDA
 * rule) grow the fleet, drain the queue and shrink back by SIGTERM without losing or repeating
 * a job. (Hand-back of running browser jobs on SIGTERM: test/worker/worker-lifecycle.test.ts.)
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalScaler, type ScalingDecision } from '../../dev/local/local-scaler.ts';
import type { LocalStack } from '../../dev/local/local-stack.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { loadConfig } from '../../worker/src/config.ts';
import { eligibleBacklogMeter } from '../../worker/src/scaling/scaling-signal.ts';
import type { TestSite } from '../support/test-site.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const HOST = '127.0.0.2';
let w: WorkerStack;
let site: TestSite;
let stack: LocalStack;
let broker: Redis;
let results: Redis;
let queue: Queue;
let prefix: string;

beforeAll(async () => {
  w = await startWorkerStack({
    name: 'burst', hosts: [HOST], workers: 0,
    workerEnv: { QUARRY_CONCURRENCY: '10', QUARRY_RESPECT_ROBOTS: 'false', QUARRY_SHUTDOWN_TIMEOUT_MS: '1500' },
  });
  ({ site, stack, broker, results, queue, prefix } = w);
}, 60_000);

afterAll(async () => {
  await w?.close();
});

const addJobs = (n: number, tag: string, extra: Record<string, unknown> = {}) => queue.addBulk(Array.from({ length: n }, (_, i) => ({
  name: (extra.mode as string | undefined) ?? 'http',
  data: { request: jobRequestSchema.parse({ url: site.url(HOST, `/page/${i}?${tag}=1`), ...extra }), acceptedAt: Date.now() },
  opts: { jobId: `${tag}-${i}`, attempts: 3 },
})));

describe('local fleet scaling', () => {
  it('grows to ≥ 3 workers for a 2,000-job burst, drains it exactly once, and shrinks back to 1', { timeout: 180_000 }, async () => {
    const config = loadConfig({ ...stack.workerEnv, QUARRY_CONCURRENCY: '10' });
    const decisions: ScalingDecision[] = [];
    let peak = 0;
    const scaler = startLocalScaler({
      rule: { slotsPerPod: 10, minReplicas: 1, maxReplicas: 4, scaleInCooldownMs: 2000 },
      measure: async () => { const m = await eligibleBacklogMeter(broker, config)(); if (process.env.DEBUG_BURST) console.log('tick', m.runnable, m.demand); return m; },
      startWorker: () => stack.addWorker(),
      workers: stack.workers,
      intervalMs: 500,
      onDecision: (d) => { decisions.push(d); peak = Math.max(peak, d.to); },
      onError: (error) => console.error('scaler measurement failed', error),
    });
    const started = Date.now();
    await addJobs(2000, 'burst');
    await waitFor(() => scaler.replicas() >= 3, { timeoutMs: 15_000, description: 'scale-out' });
    const scaledOutMs = Date.now() - started;
    // One process per replica: the scaler once listed each new worker twice (addWorker lists it too).
    await waitFor(() => stack.workers.length === scaler.replicas(), { timeoutMs: 5_000, description: 'the fleet to match the decision' });
    expect(new Set(stack.workers.map((worker) => worker.pid)).size, 'distinct worker processes').toBe(stack.workers.length);
    await waitFor(async () => (await results.keys(`${prefix}:result:burst-*`)).length === 2000, { timeoutMs: 150_000, intervalMs: 250, description: 'the burst to drain' });
    const drainedMs = Date.now() - started;
    await waitFor(() => scaler.replicas() === 1 && stack.workers.length === 1, { timeoutMs: 30_000, description: 'scale-in to the minimum' });
    await scaler.stop();

    expect(peak).toBeGreaterThanOrEqual(3);
    const hits = new Map<string, number>();
    for (const entry of site.log) if (entry.path.includes('burst=1')) hits.set(entry.path, (hits.get(entry.path) ?? 0) + 1);
    expect(hits.size).toBe(2000);
    expect([...hits.values()].every((n) => n === 1)).toBe(true);
    expect(await queue.getJobCounts('failed', 'wait', 'active', 'delayed')).toEqual({ failed: 0, wait: 0, active: 0, delayed: 0 });
    console.info(`burst: scale-out after ${scaledOutMs} ms, drained after ${drainedMs} ms, decisions ${JSON.stringify(decisions.map((d) => [d.from, d.to]))}`);
  });
});
