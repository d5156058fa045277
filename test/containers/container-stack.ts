/**
 * @module test/containers/container-stack
 * The container suites' stack: the worker image built (or found in the layer cache) with the
 * engine at hand, a loopback site, and the local stack with 0 worker processes and worker
 * containers on the host network, under a fresh prefix. Every container's output and the build
 * log go to one temp dir, printed when a test fails.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { containerEngineAvailable, ensureContainerEngine, megabytes, type ContainerEngine } from '../../dev/local/container-engine.ts';
import { startLocalStack, type LocalStack } from '../../dev/local/local-stack.ts';
import type { WorkerContainer } from '../../dev/local/worker-container.ts';
import { ensureWorkerImage, type WorkerImage } from '../../dev/local/worker-image.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { edgeClient, type EdgeClient, type JobView } from '../support/edge-client.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';

/** Why the container suites cannot run here, or undefined when they can. */
export function containerSkipReason(): string | undefined {
  if (process.platform !== 'linux') return `containers need Linux, this is ${process.platform}`;
  const available = containerEngineAvailable();
  return available.ok ? undefined : available.reason;
}

/** A build on a fresh machine: debootstrap (~1.5 min) plus the image (~1.5-3 min on 2 loaded cores). */
export const IMAGE_TIMEOUT_MS = 15 * 60_000;

export async function buildWorkerImage(logDir: string): Promise<{ engine: ContainerEngine; built: WorkerImage }> {
  const engine = ensureContainerEngine({ log: (line) => console.info(line) });
  const output = createWriteStream(join(logDir, 'image-build.log'));
  try {
    const built = await ensureWorkerImage(engine, { output, log: (line) => output.write(`${line}\n`) });
    console.info(`worker image ${built.image} (${engine.name}, base ${built.base.image} ${built.base.source} in ${built.base.seconds.toFixed(1)} s): ${megabytes(built.sizeBytes)}, build ${built.seconds.toFixed(1)} s`);
    return { engine, built };
  } finally {
    await new Promise((done) => output.end(done));
  }
}

export interface ContainerStack {
  engine: ContainerEngine;
  site: TestSite;
  stack: LocalStack;
  prefix: string;
  edge: EdgeClient;
  broker: Redis;
  results: Redis;
  queue: Queue;
  logDir: string;
  /** Starts a worker container and waits for /readyz. */
  addContainer(extraEnv?: Record<string, string>, runArgs?: string[]): Promise<WorkerContainer>;
  /** Every log in the temp dir, for a failing test's report. */
  logs(): string;
  close(): Promise<void>;
}

export async function startContainerStack(options: {
  name: string; hosts: string[]; engine: ContainerEngine; image: string; logDir: string;
  workerEnv?: Record<string, string>; edge?: boolean;
}): Promise<ContainerStack> {
  const { name, hosts, engine, image, logDir } = options;
  const site = await startTestSite({ hosts });
  const prefix = `{quarry-${name}-${randomBytes(3).toString('hex')}}`;
  const apiKey = `${name}-${randomBytes(8).toString('hex')}`;
  const token = randomBytes(12).toString('hex');
  const stack = await startLocalStack({
    prefix, edge: options.edge ?? true, workers: 0,
    devVars: { UPSTASH_REDIS_REST_TOKEN: token, RESULT_UPSTASH_REDIS_REST_TOKEN: token, API_KEYS: apiKey },
    containers: { engine, image, logDir, stopTimeoutS: 30 },
    workerEnv: {
      QUARRY_ALLOW_PRIVATE_CIDRS: hosts.map((host) => `${host}/32`).join(','),
      LOG_LEVEL: 'info', QUARRY_DOMAIN_RATES: 'none', QUARRY_DOMAIN_CONCURRENCY: '0',
      ...options.workerEnv,
    },
  });
  const broker = new Redis(stack.brokerRedis.url, { maxRetriesPerRequest: null });
  const results = new Redis(stack.resultsRedis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection: broker, prefix });
  return {
    engine, site, stack, prefix, broker, results, queue, logDir,
    edge: edgeClient(stack.edge?.url ?? 'http://127.0.0.1:1', apiKey),
    async addContainer(extraEnv = {}, runArgs = []) {
      const container = await stack.addContainer(extraEnv, runArgs);
      await container.ready(120_000);
      return container;
    },
    logs: () => readdirSync(logDir).map((file) => `--- ${file} ---\n${readFileSync(join(logDir, file), 'utf8').slice(-20_000)}`).join('\n'),
    async close() {
      await queue.close();
      broker.disconnect();
      results.disconnect();
      await stack.stop();
      await site.close();
    },
  };
}

export const tempLogDir = (name: string) => mkdtempSync(join(tmpdir(), `quarry-${name}-`));
export const removeDir = (dir: string | undefined) => dir && rmSync(dir, { recursive: true, force: true });

/**
 * `GET /v1/jobs/:id` until the job is final and, if completed, shows its result. The edge reads
 * the broker and the result store in parallel, so a poll that lands while the worker completes
 * the job can see `completed` without the result (edge/src/queue/read-job.ts; reported, not
 * this suite's subject): the next poll has it.
 */
export function waitForFinalJob(edge: EdgeClient, id: string, timeoutMs: number): Promise<JobView> {
  return waitFor(async () => {
    const view = (await (await edge.get(`/v1/jobs/${id}`)).json()) as JobView;
    if (view.status === 'failed' || (view.status === 'completed' && view.result)) return view;
    return undefined;
  }, { timeoutMs, intervalMs: 100, description: `job ${id} to finish with its result` });
}
