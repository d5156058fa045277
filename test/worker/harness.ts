/**
 * @module test/worker/harness
 * Shared setup of the worker suites: real broker and result-store redis-servers, the loopback
 * test site, a unique queue prefix per suite, and helpers to enqueue jobs and wait on them.
 */
import { randomBytes } from 'node:crypto';
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { jobRequestSchema, type JobData, type JobRequestInput } from '../../shared/job-schema.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { configWith, type WorkerConfig } from '../../worker/src/config.ts';
import { startQuarryWorker, type QuarryWorker, type QuarryWorkerOptions } from '../../worker/src/quarry-worker.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';

export const HOST_A = '127.0.0.2';
export const HOST_B = '127.0.0.3';

export function testPrefix(): string {
  return `{quarry-test-${randomBytes(4).toString('hex')}}`;
}

/** The payload the edge would store: the request with its defaults applied. */
export function jobData(input: JobRequestInput): JobData {
  return { request: jobRequestSchema.parse(input), acceptedAt: Date.now() };
}

/** The producer's options, with a tiny backoff so retries take milliseconds. */
export function jobOptions(request: JobData['request'], extra: JobsOptions = {}): JobsOptions {
  return { attempts: request.attempts, backoff: { type: 'exponential', delay: 10, jitter: 0.5 }, ...extra };
}

export interface Harness {
  broker: RedisServer;
  results: RedisServer;
  site: TestSite;
  prefix: string;
  queue: Queue;
  /** A plain client of the result store, to read what the worker wrote. */
  resultClient: Redis;
  config: WorkerConfig;
  /** Enqueues like the edge: job name = mode, data = JobData, attempts and backoff from the request. */
  add(input: JobRequestInput, extra?: JobsOptions): Promise<Job>;
  /** Resolves once the job reaches one of `states`; returns the job as then stored. */
  settled(job: Job, states?: string[], timeoutMs?: number): Promise<Job>;
  startWorker(overrides?: Partial<WorkerConfig>, options?: QuarryWorkerOptions): Promise<QuarryWorker>;
  close(): Promise<void>;
}

export const quietLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export async function startHarness(): Promise<Harness> {
  const [broker, results, site] = await Promise.all([
    startRedisServer({ appendOnly: false }),
    startRedisServer({ appendOnly: false, maxmemoryPolicy: 'allkeys-lru' }),
    startTestSite({ hosts: [HOST_A, HOST_B] }),
  ]);
  const prefix = testPrefix();
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: broker.port }, prefix });
  const resultClient = new Redis(results.url);
  const config = configWith({
    redisUrl: broker.url, resultRedisUrl: results.url, prefix, concurrency: 4, browserPages: 2,
    healthPort: 0, maxBodyBytes: 64 * 1024, shutdownTimeoutMs: 2_000, logLevel: 'silent',
    // The SSRF guard runs as in production; the test site's loopback hosts are allowed.
    allowPrivateCidrs: '127.0.0.2/31',
    // Politeness has its own suites; here it would only slow the worker's tests down.
    domainRates: '', domainConcurrency: 0, respectRobots: false,
  });
  const workers: QuarryWorker[] = [];

  return {
    broker, results, site, prefix, queue, resultClient, config,
    async add(input, extra) {
      const data = jobData(input);
      return queue.add(data.request.mode, data, jobOptions(data.request, extra));
    },
    async settled(job, states = ['completed', 'failed'], timeoutMs = 15_000) {
      return waitFor(async () => {
        const state = await queue.getJobState(job.id!);
        return states.includes(state) ? queue.getJob(job.id!) : undefined;
      }, { timeoutMs, description: `job ${job.id} to reach ${states.join('/')}` });
    },
    async startWorker(overrides = {}, options = {}) {
      const worker = await startQuarryWorker({ ...config, ...overrides }, { logger: quietLogger, ...options });
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close({ timeoutMs: 0 })));
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      resultClient.disconnect();
      await Promise.all([broker.dispose(), results.dispose(), site.close()]);
    },
  };
}
