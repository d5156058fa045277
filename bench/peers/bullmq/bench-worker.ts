/**
 * @module bench/peers/bullmq/bench-worker
 * What every bare-BullMQ peer process shares: its env, the broker and result-store clients, a
 * keep-alive HTTP agent, the `Worker` with Quarry's retention defaults (so the broker does the
 * same bookkeeping), `ready` on stdout once connected, and a clean exit on SIGTERM.
 *
 * Env: BENCH_BROKER_URL, BENCH_RESULTS_URL, BENCH_PREFIX, BENCH_CONCURRENCY.
 */
import { Worker, type Job, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { QUEUE_NAME, resultKey } from '../../../shared/keys.ts';

export const benchEnv = (name: string): string => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();

export type BenchJob = Job<{ request: { url: string } }>;

export interface BenchWorkerContext {
  /** GET with the process's keep-alive agent: status and body text. */
  fetchPage(url: string): Promise<{ status: number; html: string }>;
  /** `SET <result key of the job> json EX 3600` on the result store, as Quarry stores results. */
  storeResult(job: BenchJob, value: unknown): Promise<void>;
}

export async function serveBenchWorker(
  makeProcessor: (context: BenchWorkerContext) => (job: BenchJob) => Promise<{ status: number }>,
  workerOptions: Partial<WorkerOptions> = {},
): Promise<void> {
  const prefix = benchEnv('BENCH_PREFIX');
  const connection = new Redis(benchEnv('BENCH_BROKER_URL'), { maxRetriesPerRequest: null });
  const results = new Redis(benchEnv('BENCH_RESULTS_URL'));
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const context: BenchWorkerContext = {
    async fetchPage(url) {
      const response = await request(url, { dispatcher, headersTimeout: 30_000, bodyTimeout: 30_000 });
      return { status: response.statusCode, html: await response.body.text() };
    },
    async storeResult(job, value) {
      await results.set(resultKey(prefix, job.id!), JSON.stringify(value), 'EX', 3600);
    },
  };
  const worker = new Worker(QUEUE_NAME, makeProcessor(context), {
    connection, prefix, concurrency: Number(benchEnv('BENCH_CONCURRENCY')),
    removeOnComplete: { count: 1000 }, removeOnFail: { count: 10_000 },
    ...workerOptions,
  });
  worker.on('error', (error) => process.stderr.write(`worker error: ${error.message}\n`));
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void worker.close().then(async () => {
      results.disconnect();
      connection.disconnect();
      await dispatcher.close();
      process.exit(0);
    });
  });
}
