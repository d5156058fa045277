/**
 * @module test/worker/measure/throughput
 * Jobs per second of one in-process worker: HTTP mode (concurrency 10, `/page/:n`) and browser mode.
 * Run: `node test/worker/measure/throughput.ts [httpJobs=500] [browserJobs=40]`.
 */
import { pino } from 'pino';
import { startRedisServer } from '../../../dev/local/redis-server.ts';
import { waitFor } from '../../../dev/local/wait-for.ts';
import { configWith } from '../../../worker/src/config.ts';
import { startQuarryWorker } from '../../../worker/src/quarry-worker.ts';
import { startTestSite } from '../../support/test-site.ts';
import { jobData, jobOptions, testPrefix } from '../harness.ts';
import { Queue } from 'bullmq';
import { QUEUE_NAME } from '../../../shared/keys.ts';

const httpJobs = Number(process.argv[2] ?? 500);
const browserJobs = Number(process.argv[3] ?? 40);
const [broker, results, site] = await Promise.all([
  startRedisServer({ appendOnly: false }), startRedisServer({ appendOnly: false }), startTestSite(),
]);
const prefix = testPrefix();
const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: broker.port }, prefix });
const config = configWith({ redisUrl: broker.url, resultRedisUrl: results.url, prefix, concurrency: 10, healthPort: 0, logLevel: 'silent' });
const worker = await startQuarryWorker(config, { logger: pino({ level: 'silent' }) });
const extract = { h1: 'h1', price: '.price', 'links[]': { selector: 'ul.links a', attr: 'href' } } as const;

// Counted from events: the broker keeps only QUARRY_KEEP_COMPLETED completed jobs.
let finished = 0;
worker.worker.on('completed', () => finished++);
worker.worker.on('failed', (job) => (job?.finishedOn ? finished++ : undefined));
const cleanUp = async () => {
  await worker.close({ timeoutMs: 1000 });
  await queue.close();
  await Promise.all([broker.stop(), results.stop(), site.close()]);
};
process.once('SIGTERM', () => void cleanUp().finally(() => process.exit(1)));

async function run(label: string, count: number, url: (n: number) => string, mode: 'http' | 'browser') {
  if (count === 0) return;
  const before = finished;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await queue.addBulk(Array.from({ length: count }, (_, i) => {
    const data = jobData({ url: url(i + 1), mode, extract });
    return { name: mode, data, opts: jobOptions(data.request) };
  }));
  await waitFor(() => finished - before >= count,
    { timeoutMs: 600_000, intervalMs: 20, description: `${count} ${label} jobs` });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerJob = (cpu.user + cpu.system) / 1000 / count;
  const failed = (await queue.getJobCounts('failed')).failed;
  console.log(`${label}: ${count} jobs in ${seconds.toFixed(2)} s → ${(count / seconds).toFixed(1)} jobs/s, ${cpuMsPerJob.toFixed(2)} ms CPU per job in this process (test site included; failed so far: ${failed})`);
}

try {
  await run('http warm-up', 100, (n) => site.url('127.0.0.2', `/page/${1000 + n}`), 'http');
  await run('http', httpJobs, (n) => site.url(n % 2 ? '127.0.0.2' : '127.0.0.3', `/page/${n}`), 'http');
  await run('browser warm-up', 4, (n) => site.url('127.0.0.2', `/js/${1000 + n}`), 'browser');
  await run(`browser (${config.browserPages} pages)`, browserJobs, (n) => site.url(n % 2 ? '127.0.0.2' : '127.0.0.3', `/js/${n}`), 'browser');
  console.log(`rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
} finally {
  await cleanUp();
}
