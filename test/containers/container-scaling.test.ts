/**
 * The local scaler driving worker containers (`npm start -- --scale --containers`): the same
 * KEDA rule and loop as for processes (dev/local/local-scaler.ts, worker/src/scaling/), with
 * replicas that are containers of the worker image. A backlog makes it start a second container,
 * the drained queue makes it stop one after the cooldown (`podman stop`, exit 0), and every job
 * is fetched exactly once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalScaler, type ScalingDecision } from '../../dev/local/local-scaler.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { loadConfig } from '../../worker/src/config.ts';
import { eligibleBacklogMeter } from '../../worker/src/scaling/scaling-signal.ts';
import { buildWorkerImage, containerSkipReason, IMAGE_TIMEOUT_MS, removeDir, startContainerStack, tempLogDir, type ContainerStack } from './container-stack.ts';

const skipReason = containerSkipReason();
const HOST = '127.0.0.2';
const SLOTS = 2;
const JOBS = 16;
/** One container alone needs JOBS / SLOTS × 3 s = 24 s: time for a second one to start and help. */
const JOB_MS = 3_000;

let s: ContainerStack;
let logDir: string;

describe.skipIf(skipReason !== undefined)('local scaler on worker containers', () => {
  beforeAll(async () => {
    logDir = tempLogDir('container-scaling');
    const { engine, built } = await buildWorkerImage(logDir);
    s = await startContainerStack({
      name: 'ctrscale', hosts: [HOST], engine, image: built.image, logDir, edge: false,
      workerEnv: { QUARRY_CONCURRENCY: String(SLOTS), QUARRY_BROWSER_PAGES: '1', QUARRY_SHUTDOWN_TIMEOUT_MS: '3000', QUARRY_RESPECT_ROBOTS: 'false' },
    });
  }, IMAGE_TIMEOUT_MS);

  afterAll(async () => {
    await s?.close();
    removeDir(logDir);
  }, 120_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(s.logs());
  });

  /** Running containers whose names start with `prefix`, as the engine lists them. */
  const listed = (prefix: string) => s.engine.exec(['ps', '--format', '{{.Names}}']).split('\n').filter((name) => name.startsWith(prefix));

  it('starts a second container for a backlog and stops it after the cooldown; each job runs once', { timeout: 300_000 }, async () => {
    const config = loadConfig({ ...s.stack.workerEnv });
    const decisions: ScalingDecision[] = [];
    const scaler = startLocalScaler({
      rule: { slotsPerPod: SLOTS, minReplicas: 1, maxReplicas: 2, scaleInCooldownMs: 3_000 },
      measure: eligibleBacklogMeter(s.broker, config),
      startWorker: () => s.stack.addContainer(),
      workers: s.stack.containers,
      intervalMs: 500,
      onDecision: (d) => decisions.push(d),
      onError: (error) => console.error('scaler', error),
    });
    try {
      await waitFor(() => s.stack.containers.length === 1, { timeoutMs: 30_000, description: 'the minimum of one container' });
      await s.stack.containers[0]!.ready(120_000);
      const first = s.stack.containers[0]!;
      const names = first.name.replace(/\d+$/, '');

      await s.queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({
        name: 'http',
        data: { request: jobRequestSchema.parse({ url: s.site.url(HOST, `/slow?ms=${JOB_MS}&job=${i}`), timeoutMs: 30_000 }), acceptedAt: Date.now() },
        opts: { jobId: `scale-${i}`, attempts: 3 },
      })));
      await waitFor(() => scaler.replicas() === 2, { timeoutMs: 10_000, description: 'the scale-out decision' });
      await waitFor(() => listed(names).length === 2, { timeoutMs: 60_000, intervalMs: 500, description: 'two running containers' });
      const second = s.stack.containers.find((c) => c !== first)!;
      await second.ready(120_000);

      await waitFor(async () => (await s.results.exists(...Array.from({ length: JOBS }, (_, i) => resultKey(s.prefix, `scale-${i}`)))) === JOBS,
        { timeoutMs: 120_000, intervalMs: 500, description: 'every job to complete' });
      // Scale-in: the newest container is stopped by the engine and drains cleanly.
      await waitFor(() => scaler.replicas() === 1, { timeoutMs: 30_000, description: 'the scale-in decision' });
      expect(await second.exited).toBe(0);
      // The added replica took part of the backlog.
      expect(readFileSync(join(logDir, `${second.name}.log`), 'utf8')).toContain('"msg":"job completed"');
      await waitFor(() => listed(names).length === 1, { timeoutMs: 30_000, intervalMs: 500, description: 'one running container' });
      expect(s.stack.containers).toEqual([first]);
    } finally {
      await scaler.stop();
    }

    expect(decisions.map((d) => [d.from, d.to])).toEqual([[1, 2], [2, 1]]);
    const hits = new Map<string, number>();
    for (const entry of s.site.log) if (entry.path.startsWith('/slow')) hits.set(entry.path, (hits.get(entry.path) ?? 0) + 1);
    expect(hits.size).toBe(JOBS);
    expect([...hits.values()].every((n) => n === 1)).toBe(true);
    expect(await s.queue.getJobCounts('failed', 'wait', 'active', 'delayed')).toEqual({ failed: 0, wait: 0, active: 0, delayed: 0 });
  });
});
