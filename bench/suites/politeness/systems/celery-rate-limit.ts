/**
 * @module bench/suites/politeness/systems/celery-rate-limit
 * Celery 5 with `rate_limit`, the way a Celery user throttles per domain: one task per domain
 * (bench/peers/celery/politeness_tasks.py) and two prefork worker instances, each enforcing the
 * limit on its own (Celery's rate_limit is per worker instance). Ready when both consume.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../../dev/local/wait-for.ts';
import { spawnChild, type BenchChild } from '../../../setup/child.ts';
import { benchRedis } from '../../../setup/redis-client.ts';
import { SYSTEM_PYTHON } from '../../../setup/system-packages.ts';
import type { EnqueuedJob, JobSystem } from '../../jobs/job-system.ts';
import { CONCURRENCY, DOMAINS, PROCESSES, ratePerSecond } from '../workload.ts';

const META_PREFIX = 'celery-task-meta-';

/** The tasks' rate limits are literals in the Python module; refuse to run when they drift. */
function checkTaskRates(tasksFile: string): void {
  const source = readFileSync(tasksFile, 'utf8');
  for (const domain of DOMAINS) {
    const expected = `name="fetch_${domain.host.replaceAll('.', '_')}", rate_limit="${ratePerSecond(domain)}/s"`;
    if (!source.includes(expected)) throw new Error(`${tasksFile} lacks ${expected} (see bench/suites/politeness/workload.ts)`);
  }
}

/** Both workers' consumers sit in BRPOP on the broker. */
async function waitUntilConsuming(brokerUrl: string, workers: readonly BenchChild[]): Promise<void> {
  const admin = benchRedis(brokerUrl);
  try {
    await waitFor(async () => {
      const dead = workers.find((worker) => worker.process.exitCode !== null);
      if (dead) throw new Error(`celery worker exited: ${dead.output().slice(-1500)}`);
      return (String(await admin.client('LIST')).match(/cmd=brpop/g)?.length ?? 0) >= workers.length;
    }, { timeoutMs: 60_000, intervalMs: 100, description: 'both Celery workers to consume' });
  } finally {
    admin.disconnect();
  }
}

export function celeryRateLimitSystem(): JobSystem {
  return {
    id: 'celery-rate-limit',
    label: `Celery rate_limit per domain task, ${PROCESSES} workers × -c ${CONCURRENCY}`,
    broker: true,
    jobIdOf: (key) => (key.startsWith(META_PREFIX) ? key.slice(META_PREFIX.length) : undefined),
    resultKeyOf: (id) => META_PREFIX + id,
    async start(env) {
      const cwd = join(env.root, 'bench/peers/celery');
      const tasksFile = join(cwd, 'politeness_tasks.py');
      checkTaskRates(tasksFile);
      const pythonEnv = {
        ...process.env, BENCH_BROKER_URL: env.brokerUrl, BENCH_RESULTS_URL: env.resultsUrl, PYTHONDONTWRITEBYTECODE: '1',
        PYTHONPATH: cwd, PYTHONNOUSERSITE: '1', // Debian's interpreter, not a pyenv's site-packages
      };
      const workers = Array.from({ length: PROCESSES }, (_, i) => spawnChild(SYSTEM_PYTHON, [
        '-m', 'celery', '-A', 'politeness_tasks', 'worker', '--pool=prefork', '-c', String(CONCURRENCY), '--loglevel=WARNING',
        '--without-gossip', '--without-mingle', '--without-heartbeat', '-n', `polite${i + 1}-${process.pid}@%h`,
      ], { cwd, env: pythonEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
      const stopWorkers = () => Promise.all(workers.map((worker) => worker.stop(15_000)));
      for (const worker of workers) if (env.verbose) worker.process.stderr?.pipe(process.stderr);
      try {
        await waitUntilConsuming(env.brokerUrl, workers);
      } catch (error) {
        await stopWorkers();
        throw error;
      }
      const scratch = mkdtempSync(join(tmpdir(), 'quarry-bench-polite-'));
      return {
        roots: () => workers.map((worker) => worker.pid),
        async enqueue(urls) {
          const urlsFile = join(scratch, 'urls.txt');
          const outFile = join(scratch, 'enqueued.json');
          writeFileSync(urlsFile, urls.join('\n') + '\n');
          const driver = spawnChild(SYSTEM_PYTHON, [tasksFile, urlsFile, outFile], { cwd, env: pythonEnv, stdio: ['ignore', 'pipe', 'pipe'] });
          const code = await driver.exited;
          if (code !== 0) throw new Error(`politeness_tasks.py exited with ${code}: ${driver.output().slice(-1000)}`);
          const records = JSON.parse(readFileSync(outFile, 'utf8')) as Array<[string, string, number]>;
          return new Map<string, EnqueuedJob>(records.map(([id, url, at]) => [id, { url, at }]));
        },
        async stop() {
          await stopWorkers(); // SIGTERM = Celery's warm shutdown; the rest is killed after the grace
          rmSync(scratch, { recursive: true, force: true });
        },
      };
    },
  };
}
