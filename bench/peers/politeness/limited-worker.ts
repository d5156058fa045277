/**
 * @module bench/peers/politeness/limited-worker
 * The politeness suite's BullMQ peers: a bare `Worker` that fetches each job's URL, extracts the
 * page with cheerio/slim and stores the result like Quarry, throttled one of two common ways:
 * - `global`: BullMQ's own queue-wide limiter (`limiter: {max, duration}`, kept in Redis, shared
 *   by every worker of the queue, blind to domains);
 * - `local`: a per-domain limiter in this process's memory (local-limiter.ts); a job waits for
 *   its slot while holding its worker slot, as in-process limiters do.
 * Prints `ready` once connected.
 *
 * Env: BENCH_BROKER_URL, BENCH_RESULTS_URL, BENCH_PREFIX, BENCH_CONCURRENCY, BENCH_LIMITER (JSON
 * `{"kind":"global","max":34,"duration":1000}` or `{"kind":"local","domains":{host:{rates,concurrency}}}`).
 */
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { QUEUE_NAME, resultKey } from '../../../shared/keys.ts';
import { parseAndExtract } from '../extract-page.ts';
import { createLocalLimiter, type LocalDomainLimits } from './local-limiter.ts';

export type LimiterConfig =
  | { kind: 'global'; max: number; duration: number }
  | { kind: 'local'; domains: Record<string, LocalDomainLimits> };

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const prefix = env('BENCH_PREFIX');
const config = JSON.parse(env('BENCH_LIMITER')) as LimiterConfig;
const local = config.kind === 'local' ? createLocalLimiter(config.domains) : undefined;
const connection = new Redis(env('BENCH_BROKER_URL'), { maxRetriesPerRequest: null });
const results = new Redis(env('BENCH_RESULTS_URL'));
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });

async function processJob(job: Job<{ request: { url: string } }>): Promise<{ status: number }> {
  const url = job.data.request.url;
  const release = await local?.acquire(new URL(url).hostname);
  try {
    const response = await request(url, { dispatcher, headersTimeout: 30_000, bodyTimeout: 30_000 });
    const html = await response.body.text();
    await results.set(resultKey(prefix, job.id!), JSON.stringify(parseAndExtract(html)), 'EX', 3600);
    return { status: response.statusCode };
  } finally {
    release?.();
  }
}

const worker = new Worker(QUEUE_NAME, processJob, {
  connection, prefix, concurrency: Number(env('BENCH_CONCURRENCY')),
  removeOnComplete: { count: 1000 }, removeOnFail: { count: 10_000 },
  ...(config.kind === 'global' ? { limiter: { max: config.max, duration: config.duration } } : {}),
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
