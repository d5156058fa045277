/**
 * @module bench/suites/politeness/systems/limited-bullmq
 * The BullMQ-based politeness peers (bench/peers/politeness/limited-worker.ts) as job systems:
 * BullMQ's queue-wide limiter at the total budget, or a per-process per-domain limiter with the
 * budget split over the processes (or, as scrapers default to, the full budget in each).
 */
import type { LimiterConfig } from '../../../peers/politeness/limited-worker.ts';
import type { LocalDomainLimits } from '../../../peers/politeness/local-limiter.ts';
import type { JobSystem } from '../../jobs/job-system.ts';
import { bullmqWorkersSystem } from '../../jobs/systems/bullmq-raw.ts';
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
  return bullmqWorkersSystem({
    id: `bullmq-${variant}`,
    label: LABELS[variant],
    main: 'bench/peers/politeness/limited-worker.ts',
    processes: PROCESSES,
    concurrency: CONCURRENCY,
    env: { BENCH_LIMITER: JSON.stringify(limiterConfig(variant)) },
  });
}
