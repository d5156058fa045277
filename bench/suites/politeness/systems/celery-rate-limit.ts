/**
 * @module bench/suites/politeness/systems/celery-rate-limit
 * Celery 5 with `rate_limit`, the way a Celery user throttles per domain: one task per domain
 * (bench/peers/celery/politeness_tasks.py) and two prefork worker instances, each enforcing the
 * limit on its own (Celery's rate_limit is per worker instance). Ready when both consume.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobSystem } from '../../jobs/job-system.ts';
import { celeryWorkersSystem } from '../../jobs/systems/celery.ts';
import { CONCURRENCY, DOMAINS, PROCESSES, ratePerSecond } from '../workload.ts';

/** The tasks' rate limits are literals in the Python module; refuse to run when they drift. */
function checkTaskRates(cwd: string): void {
  const tasksFile = join(cwd, 'politeness_tasks.py');
  const source = readFileSync(tasksFile, 'utf8');
  for (const domain of DOMAINS) {
    const expected = `name="fetch_${domain.host.replaceAll('.', '_')}", rate_limit="${ratePerSecond(domain)}/s"`;
    if (!source.includes(expected)) throw new Error(`${tasksFile} lacks ${expected} (see bench/suites/politeness/workload.ts)`);
  }
}

export function celeryRateLimitSystem(): JobSystem {
  return celeryWorkersSystem({
    id: 'celery-rate-limit',
    label: `Celery rate_limit per domain task, ${PROCESSES} workers × -c ${CONCURRENCY}`,
    app: 'politeness_tasks',
    processes: PROCESSES,
    concurrency: CONCURRENCY,
    // The app is also its own driver: `politeness_tasks.py <urls> <out>` sends each URL to its domain's task.
    driver: ['politeness_tasks.py'],
    check: checkTaskRates,
  });
}
