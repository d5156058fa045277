/**
 * @module bench/suites/crawl/crawl-systems
 * The crawlers the crawl suite compares, each started fresh per measurement and driven to one
 * crawl of the site: Quarry (N worker processes, its own broker and result-store Redis, the
 * crawl created with the edge's own plan and script), Crawlee CheerioCrawler and Scrapy
 * CrawlSpider (one process each, in-memory queues).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { freePort } from '../../../dev/local/free-port.ts';
import { startRedisServer, type RedisServer } from '../../../dev/local/redis-server.ts';
import { startWorkerProcess, type WorkerProcess } from '../../../dev/local/worker-process.ts';
import { buildJobOptions, encodeJobOptions } from '../../../edge/src/jobs/enqueue/job-options.ts';
import { crawlKeys, crawlRequestSchema, CRAWL_SCRIPTS, planCrawlCreate } from '../../../shared/crawls/index.ts';
import type { Cleanup } from '../../core/cleanup.ts';
import { spawnChild, stopProcessTree } from '../../setup/child.ts';
import { benchRedis } from '../../setup/redis-client.ts';
import { SYSTEM_PYTHON } from '../../setup/system-packages.ts';
import { UNTHROTTLED_ENV } from '../jobs/systems/quarry.ts';

export interface CrawlJob {
  seeds: string[];
  limit: number;
  concurrency: number;
}

export interface RunningCrawler {
  roots(): number[];
  /** Starts the crawl; resolves when it ended, with its start and end (ms since the epoch). */
  crawl(job: CrawlJob): Promise<{ startedAt: number; endedAt: number }>;
  /** Quarry only: the broker and result-store clients, for commands and memory. */
  broker?: Redis;
  results?: Redis;
  stop(): Promise<void>;
}

export interface CrawlerSystem {
  id: string;
  label: string;
  start(env: { root: string; cleanup: Cleanup; verbose: boolean }): Promise<RunningCrawler>;
}

const PREFIX = '{bench-crawl}';
const CRAWL_TIMEOUT_MS = 600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CREATE = { ...CRAWL_SCRIPTS.create, sha: createHash('sha1').update(CRAWL_SCRIPTS.create.content).digest('hex') };

export function quarryCrawler(workers: number, concurrency: number): CrawlerSystem {
  return {
    id: `quarry-${workers}w`,
    label: `Quarry, ${workers} worker${workers === 1 ? '' : 's'} × concurrency ${concurrency}`,
    async start(env) {
      const servers: RedisServer[] = [];
      const processes: WorkerProcess[] = [];
      const clients: Redis[] = [];
      const stop = async () => {
        await Promise.all(processes.map((worker) => stopProcessTree(worker.pid, () => worker.stop(), 15_000)));
        for (const client of clients) client.disconnect();
        await Promise.all(servers.map((server) => server.dispose()));
      };
      const release = env.cleanup.add('quarry crawl system', stop);
      try {
        const broker = await startRedisServer({ appendOnly: false, maxmemoryPolicy: 'noeviction' });
        servers.push(broker);
        const results = await startRedisServer({ appendOnly: false, maxmemoryPolicy: 'allkeys-lru' });
        servers.push(results);
        const brokerClient = benchRedis(broker.url);
        const resultsClient = benchRedis(results.url);
        clients.push(brokerClient, resultsClient);
        for (let i = 0; i < workers; i++) {
          const worker = startWorkerProcess({
            root: env.root, healthPort: await freePort(), inheritOutput: env.verbose,
            nodeArgs: process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
            env: {
              REDIS_URL: broker.url, RESULT_REDIS_URL: results.url, QUARRY_PREFIX: PREFIX, QUARRY_CONCURRENCY: String(concurrency),
              QUARRY_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8', QUARRY_SHUTDOWN_TIMEOUT_MS: '3000', LOG_LEVEL: env.verbose ? 'info' : 'warn',
              ...UNTHROTTLED_ENV,
            },
          });
          processes.push(worker);
          await worker.ready(60_000);
        }
        return {
          roots: () => processes.map((worker) => worker.pid),
          broker: brokerClient,
          results: resultsClient,
          async crawl(job) {
            const request = crawlRequestSchema.parse({ urls: job.seeds, limit: job.limit, maxDepth: 1000, sitemap: 'skip', maxConcurrency: 2 * workers * concurrency });
            const retention = { count: 1000, age: 3600 };
            const startedAt = Date.now();
            // What POST /v1/crawls does: the edge's plan and create script (one EVALSHA), defaults as the edge's.
            const plan = planCrawlCreate({
              prefix: PREFIX, crawlId: 'bench0000000.c-bench', request, tenant: 'bench', submittedBy: 'bench',
              canonical: { sortQuery: true, dropParams: ['utm_*', 'fbclid', 'gclid'] }, defaultWindow: 50, maxDiscovered: 2_000_000,
              jobOptions: (jobRequest, jobId) => encodeJobOptions(buildJobOptions(jobRequest, jobId, { backoffMs: 1000, keepCompleted: retention, keepFailed: { count: 10_000, age: 7 * 86_400 } })),
              now: startedAt,
            });
            await brokerClient.eval(CREATE.content, plan.keys.length, ...plan.keys, ...plan.argv);
            const record = crawlKeys(PREFIX, 'bench0000000.c-bench').record;
            // Polled (20 ms) rather than subscribed: the record's finishedAt is the script's own clock.
            while (Date.now() - startedAt < CRAWL_TIMEOUT_MS) {
              const finishedAt = await brokerClient.hget(record, 'finishedAt');
              if (finishedAt) return { startedAt, endedAt: Number(finishedAt) };
              await sleep(20);
            }
            throw new Error(`the crawl did not finish within ${CRAWL_TIMEOUT_MS / 1000} s: ${JSON.stringify(await brokerClient.hgetall(record), (key, value: unknown) => (key.startsWith('data') || key.startsWith('job') || key === 'config' ? undefined : value))}`);
          },
          stop: release,
        };
      } catch (error) {
        await release();
        throw error;
      }
    },
  };
}

/** A peer in its own process: `ready`, a line on stdin starts it, `finished <pages>` ends it. */
function processCrawler(id: string, label: string, command: (root: string) => [string, string[]]): CrawlerSystem {
  return {
    id, label,
    async start(env) {
      let child: ReturnType<typeof spawnChild> | undefined;
      let seeded: CrawlJob | undefined;
      const stop = async () => child?.stop(10_000);
      const release = env.cleanup.add(label, stop);
      return {
        roots: () => (child ? [child.pid] : []),
        async crawl(job) {
          seeded = job;
          const [bin, args] = command(env.root);
          child = spawnChild(bin, args, {
            cwd: env.root,
            env: { ...process.env, BENCH_SEEDS: seeded.seeds.join(','), BENCH_LIMIT: String(job.limit), BENCH_CONCURRENCY: String(job.concurrency), PYTHONDONTWRITEBYTECODE: '1', PYTHONNOUSERSITE: '1' },
          });
          if (env.verbose) child.process.stderr?.pipe(process.stderr);
          await child.waitForLine(/^ready$/m, 60_000);
          const startedAt = Date.now();
          child.process.stdin!.write('go\n');
          await child.waitForLine(/^finished \d+$/m, 600_000);
          return { startedAt, endedAt: Date.now() };
        },
        stop: release,
      };
    },
  };
}

export function crawleeCrawler(concurrency: number): CrawlerSystem {
  return processCrawler('crawlee-cheerio', `Crawlee CheerioCrawler (enqueueLinks, maxRequestsPerCrawl), concurrency ${concurrency}`,
    (root) => [process.execPath, [join(root, 'bench/peers/crawlee/site-crawl-main.ts')]]);
}

export function scrapyCrawler(concurrency: number): CrawlerSystem {
  return processCrawler('scrapy', `Scrapy CrawlSpider (CLOSESPIDER_PAGECOUNT), CONCURRENT_REQUESTS ${concurrency}`,
    (root) => [SYSTEM_PYTHON, [join(root, 'bench/peers/scrapy/site_spider.py')]]);
}
