/**
 * @module test/worker/measure/pipeline-throughput
 * The HTTP path's jobs per second and the worker's CPU per job, for comparing the job pipeline
 * before and after a change. One in-process worker (concurrency 10, per-domain limits out of
 * reach as in the bench, robots.txt on), the test site in a child process (so the CPU figure is
 * the worker's alone: pipeline, BullMQ, ioredis, undici, extraction), fresh redis-servers.
 * Each round enqueues `jobs` jobs with the bench's three rules and waits for all of them.
 * Run: `node test/worker/measure/pipeline-throughput.ts [jobs=2000] [rounds=5]`.
 */
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { createCleanup } from '../../../bench/core/cleanup.ts';
import { startSiteProcess } from '../../../bench/setup/test-site-process.ts';
import { startRedisServer } from '../../../dev/local/redis-server.ts';
import { waitFor } from '../../../dev/local/wait-for.ts';
import { QUEUE_NAME } from '../../../shared/keys.ts';
import { configWith } from '../../../worker/src/config.ts';
import { startQuarryWorker } from '../../../worker/src/quarry-worker.ts';
import { jobData, jobOptions, testPrefix } from '../harness.ts';

const jobs = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 5);
const cleanup = createCleanup();
process.once('SIGINT', () => void cleanup.runAll().finally(() => process.exit(130)));

try {
  const [broker, results] = await Promise.all([startRedisServer({ appendOnly: false }), startRedisServer({ appendOnly: false })]);
  cleanup.add('redis', () => Promise.all([broker.stop(), results.stop()]));
  const site = await startSiteProcess(cleanup);
  const prefix = testPrefix();
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: broker.port }, prefix });
  cleanup.add('queue', () => queue.close());
  const config = configWith({
    redisUrl: broker.url, resultRedisUrl: results.url, prefix, concurrency: 10, healthPort: 0, logLevel: 'silent',
    allowPrivateCidrs: '127.0.0.0/8', domainRates: '100000/1000', domainConcurrency: 0,
  });
  const worker = await startQuarryWorker(config, { logger: pino({ level: 'silent' }) });
  cleanup.add('worker', () => worker.close({ timeoutMs: 1000 }));
  const extract = { h1: 'h1', price: '.price', 'links[]': { selector: 'ul.links a', attr: 'href' } } as const;
  let finished = 0;
  worker.worker.on('completed', () => finished++);
  worker.worker.on('failed', (job) => (job?.finishedOn ? finished++ : undefined));

  const round = async (count: number, offset: number) => {
    const before = finished;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await queue.addBulk(Array.from({ length: count }, (_, i) => {
      const n = offset + i + 1;
      const data = jobData({ url: site.url(site.hosts[n % site.hosts.length]!, `/page/${n}`), mode: 'http', extract });
      return { name: 'http', data, opts: jobOptions(data.request) };
    }));
    await waitFor(() => finished - before >= count, { timeoutMs: 600_000, intervalMs: 10, description: `${count} jobs` });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return { jobsPerSecond: count / seconds, cpuMsPerJob: (cpu.user + cpu.system) / 1000 / count };
  };

  await round(300, 1_000_000); // warm-up: JIT, connections, robots.txt of each host
  const figures = [];
  for (let r = 0; r < rounds; r++) {
    const figure = await round(jobs, r * jobs);
    figures.push(figure);
    console.log(`round ${r + 1}: ${figure.jobsPerSecond.toFixed(0)} jobs/s, ${figure.cpuMsPerJob.toFixed(3)} ms CPU per job`);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const failed = (await queue.getJobCounts('failed')).failed;
  console.log(`median of ${rounds} × ${jobs}: ${median(figures.map((f) => f.jobsPerSecond)).toFixed(0)} jobs/s, ${median(figures.map((f) => f.cpuMsPerJob)).toFixed(3)} ms CPU per job (failed: ${failed})`);
} finally {
  await cleanup.runAll();
}
