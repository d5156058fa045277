/**
 * @module bench/suites/jobs/systems/bullmq-raw
 * Raw BullMQ worker processes as job systems: the peers of bench/peers/bullmq/raw-worker.ts
 * (fetch + cheerio/slim, the floor: what Quarry costs over bare BullMQ; fetch only, the ceiling
 * without parsing), and the generic system the politeness suite's limited workers use too.
 */
import { join } from 'node:path';
import { resultKey } from '../../../../shared/keys.ts';
import { spawnChild, type BenchChild } from '../../../setup/child.ts';
import type { JobSystem } from '../job-system.ts';
import { createBulkEnqueuer } from './bullmq-enqueue.ts';
import { BENCH_PREFIX, readQuarryFields } from './result-format.ts';

export interface BullmqWorkersOptions {
  id: string;
  label: string;
  /** The worker's entry point, relative to the project root (a `serveBenchWorker` script). */
  main: string;
  /** Worker processes. */
  processes: number;
  concurrency: number;
  /** More environment for every worker: what it runs (parser, limiter). */
  env?: Record<string, string>;
  readFields?: JobSystem['readFields'];
}

/** N worker processes on the bench queue, fed the edge's jobs, results read from the result store. */
export function bullmqWorkersSystem(options: BullmqWorkersOptions): JobSystem {
  const prefix = `${BENCH_PREFIX}:result:`;
  return {
    id: options.id,
    label: options.label,
    broker: true,
    jobIdOf: (key) => (key.startsWith(prefix) ? key.slice(prefix.length) : undefined),
    resultKeyOf: (id) => resultKey(BENCH_PREFIX, id),
    ...(options.readFields ? { readFields: options.readFields } : {}),
    async start(env) {
      const enqueuer = await createBulkEnqueuer(env.brokerUrl, BENCH_PREFIX, env.kind);
      const children: BenchChild[] = [];
      const stop = async () => {
        await Promise.all(children.map((child) => child.stop(15_000)));
        await enqueuer.close();
      };
      try {
        for (let i = 0; i < options.processes; i++) {
          const child = spawnChild(process.execPath, [join(env.root, options.main)], {
            env: {
              ...process.env, BENCH_BROKER_URL: env.brokerUrl, BENCH_RESULTS_URL: env.resultsUrl, BENCH_PREFIX,
              BENCH_CONCURRENCY: String(options.concurrency), ...options.env,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          children.push(child);
          if (env.verbose) child.process.stderr?.pipe(process.stderr);
          await child.waitForLine(/^ready$/m, 30_000);
        }
      } catch (error) {
        await stop();
        throw error;
      }
      return { roots: () => children.map((child) => child.pid), enqueue: (urls) => enqueuer.enqueue(urls), diagnose: () => enqueuer.counts(), stop };
    },
  };
}

export interface RawBullmqOptions {
  /** Worker processes. */
  processes: number;
  concurrency: number;
  parse: boolean;
}

export function rawBullmqSystem(options: RawBullmqOptions): JobSystem {
  const what = options.parse ? 'fetch + cheerio/slim' : 'fetch only';
  return bullmqWorkersSystem({
    id: `bullmq-${options.parse ? 'cheerio' : 'fetch-only'}-${options.processes}p`,
    label: `raw BullMQ, ${what}, ${options.processes} process${options.processes === 1 ? '' : 'es'} × concurrency ${options.concurrency}`,
    main: 'bench/peers/bullmq/raw-worker.ts',
    processes: options.processes,
    concurrency: options.concurrency,
    env: { BENCH_PARSE: options.parse ? 'cheerio' : 'none' },
    ...(options.parse ? { readFields: readQuarryFields } : {}),
  });
}
