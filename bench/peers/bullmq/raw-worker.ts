/**
 * @module bench/peers/bullmq/raw-worker
 * Raw BullMQ, the floor under Quarry: a bare `Worker` whose processor fetches with undici,
 * parses with cheerio/slim and stores the result like Quarry does (`SET key json EX`) — no
 * validation, SSRF guard, politeness or error taxonomy. `BENCH_PARSE=none` stores only the
 * status and size: the fetch-only ceiling. Prints `ready` once the worker is connected.
 *
 * Env: BENCH_BROKER_URL, BENCH_RESULTS_URL, BENCH_PREFIX, BENCH_CONCURRENCY, BENCH_PARSE.
 */
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { QUEUE_NAME, resultKey } from '../../../shared/keys.ts';
import { parseAndExtract } from '../extract-page.ts';

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const prefix = env('BENCH_PREFIX');
const parse = process.env.BENCH_PARSE !== 'none';
const connection = new Redis(env('BENCH_BROKER_URL'), { maxRetriesPerRequest: null });
const results = new Redis(env('BENCH_RESULTS_URL'));
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });

async function processJob(job: Job<{ request: { url: string } }>): Promise<{ status: number }> {
  const response = await request(job.data.request.url, { dispatcher, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const html = await response.body.text();
  const value = parse ? parseAndExtract(html) : { status: response.statusCode, bytes: html.length };
  await results.set(resultKey(prefix, job.id!), JSON.stringify(value), 'EX', 3600);
  return { status: response.statusCode };
}

const worker = new Worker(QUEUE_NAME, processJob, {
  connection, prefix, concurrency: Number(env('BENCH_CONCURRENCY')),
  // Quarry's retention defaults, so the broker does the same bookkeeping.
  removeOnComplete: { count: 1000 }, removeOnFail: { count: 10_000 },
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
