/**
 * @module bench/suites/politeness/systems/limited-bullmq
 * The BullMQ-based politeness peers (bench/peers/politeness/limited-worker.ts) as job systems:
 * BullMQ's queue-wide limiter at the total budget, or a per-process per-domain limiter with the
 * budget split over the processes (or, as scrapers default to, the full budget in each).
 */
import { join } from 'node:path';
import { resultKey } from '../../../../shared/keys.ts';
import type { LimiterConfig } from '../../../peers/politeness/limited-worker.ts';
import type { LocalDomainLimits } from '../../../peers/politeness/local-limiter.ts';
import { spawnChild, type BenchChild } from '../../../setup/child.ts';
import type { JobSystem } from '../../jobs/job-system.ts';
import { createBulkEnqueuer } from '../../jobs/systems/bullmq-enqueue.ts';
import { BENCH_PREFIX } from '../../jobs/systems/result-format.ts';
import { CONCURRENCY, DOMAINS, PROCESSES, TOTAL_RATE, splitLimits } from '../workload.ts';

export type LimitedVariant = 'global' | 'local-split' | 'local-full';

function limiterConfig(variant: LimitedVariant): LimiterConfig {
  if (variant === 'global') return { kind: 'global', max: TOTAL_RATE, duration: 1000 };
  const domains: Record<string, LocalDomainLimits> = {};
  for (const domain of DOMAINS) {
    domains[domain.host] = variant === 'local-split' ? splitLimits(domain, PROCESSES) : { rates: [domain.rate], concurrency: domain.concurrency };
  }
  return { kind: 'local', domains };
}

const LABELS: Record<LimitedVariant, string> = {
  'global': `raw BullMQ, queue-wide limiter ${TOTAL_RATE}/s, ${PROCESSES} × ${CONCURRENCY}`,
  'local-split': `per-process limiter, budget split (rate/${PROCESSES}, cap/${PROCESSES}), ${PROCESSES} × ${CONCURRENCY}`,
  'local-full': `per-process limiter, full limit in each, ${PROCESSES} × ${CONCURRENCY}`,
};

export function limitedBullmqSystem(variant: LimitedVariant): JobSystem {
  const prefix = `${BENCH_PREFIX}:result:`;
  return {
    id: `bullmq-${variant}`,
    label: LABELS[variant],
    broker: true,
    jobIdOf: (key) => (key.startsWith(prefix) ? key.slice(prefix.length) : undefined),
    resultKeyOf: (id) => resultKey(BENCH_PREFIX, id),
    async start(env) {
      const enqueuer = await createBulkEnqueuer(env.brokerUrl, BENCH_PREFIX, env.kind);
      const workerEnv = {
        ...process.env, BENCH_BROKER_URL: env.brokerUrl, BENCH_RESULTS_URL: env.resultsUrl, BENCH_PREFIX,
        BENCH_CONCURRENCY: String(CONCURRENCY), BENCH_LIMITER: JSON.stringify(limiterConfig(variant)),
      };
      const main = join(env.root, 'bench/peers/politeness/limited-worker.ts');
      const workers: BenchChild[] = Array.from({ length: PROCESSES }, () => spawnChild(process.execPath, [main], { env: workerEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
      const stop = async () => {
        await Promise.all(workers.map((worker) => worker.stop(15_000)));
        await enqueuer.close();
      };
      try {
        for (const worker of workers) {
          if (env.verbose) worker.process.stderr?.pipe(process.stderr);
        }
        await Promise.all(workers.map((worker) => worker.waitForLine(/^ready$/m, 30_000)));
      } catch (error) {
        await stop();
        throw error;
      }
      return { roots: () => workers.map((worker) => worker.pid), enqueue: (urls) => enqueuer.enqueue(urls), diagnose: () => enqueuer.counts(), stop };
    },
  };
}
