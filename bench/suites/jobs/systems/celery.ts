/**
 * @module bench/suites/jobs/systems/celery
 * Celery 5 (Debian's python3-celery) as a job system: prefork workers with a Redis broker and a
 * Redis result backend running an app of bench/peers/celery, fed by a driver script there
 * (`send_task` per URL). Ready when every worker's consumer blocks in BRPOP on the broker. The
 * HTTP suite's scrapers (tasks.py, enqueue.py) and the politeness suite's rate-limited tasks use it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchRedis } from '../../../setup/redis-client.ts';
import { waitFor } from '../../../../dev/local/wait-for.ts';
import { spawnChild, type BenchChild } from '../../../setup/child.ts';
import { SYSTEM_PYTHON } from '../../../setup/system-packages.ts';
import type { EnqueuedJob, JobSystem } from '../job-system.ts';
import { readCeleryFields } from './result-format.ts';

const META_PREFIX = 'celery-task-meta-';
const STOP_GRACE_MS = 15_000;

async function waitUntilConsuming(brokerUrl: string, workers: readonly BenchChild[]): Promise<void> {
  const admin = benchRedis(brokerUrl);
  try {
    await waitFor(async () => {
      const dead = workers.find((worker) => worker.process.exitCode !== null);
      if (dead) throw new Error(`celery worker exited: ${dead.output().slice(-1500)}`);
      return (String(await admin.client('LIST')).match(/cmd=brpop/g)?.length ?? 0) >= workers.length;
    }, { timeoutMs: 60_000, intervalMs: 100, description: 'the Celery workers to consume' });
  } finally {
    admin.disconnect();
  }
}

export interface CeleryWorkersOptions {
  id: string;
  label: string;
  /** The Celery app module in bench/peers/celery (`-A`). */
  app: string;
  /** Worker instances, each with its own prefork pool. */
  processes: number;
  /** Prefork pool size (`-c`) of each. */
  concurrency: number;
  /** Enqueue driver in bench/peers/celery and its leading arguments; `<urls file> <out file>` follow. */
  driver: [script: string, ...args: string[]];
  readFields?: JobSystem['readFields'];
  /** Runs before the workers start, with bench/peers/celery (e.g. checks the app matches the workload). */
  check?: (cwd: string) => void;
}

export function celeryWorkersSystem(options: CeleryWorkersOptions): JobSystem {
  const [script, ...driverArgs] = options.driver;
  return {
    id: options.id,
    label: options.label,
    broker: true,
    jobIdOf: (key) => (key.startsWith(META_PREFIX) ? key.slice(META_PREFIX.length) : undefined),
    resultKeyOf: (id) => META_PREFIX + id,
    ...(options.readFields ? { readFields: options.readFields } : {}),
    async start(env) {
      const cwd = join(env.root, 'bench/peers/celery');
      options.check?.(cwd);
      const pythonEnv = {
        ...process.env, BENCH_BROKER_URL: env.brokerUrl, BENCH_RESULTS_URL: env.resultsUrl, PYTHONDONTWRITEBYTECODE: '1',
        // Debian's interpreter must not pick up a pyenv's site-packages.
        PYTHONPATH: cwd, PYTHONNOUSERSITE: '1',
      };
      // WARNING, like Quarry's LOG_LEVEL=warn here: INFO logs a line per task.
      const workers = Array.from({ length: options.processes }, (_, i) => spawnChild(SYSTEM_PYTHON, [
        '-m', 'celery', '-A', options.app, 'worker', '--pool=prefork', '-c', String(options.concurrency), '--loglevel=WARNING',
        '--without-gossip', '--without-mingle', '--without-heartbeat', '-n', `${options.id}-${i + 1}-${process.pid}@%h`,
      ], { cwd, env: pythonEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
      // SIGTERM is Celery's warm shutdown: the pool finishes and exits; the rest is killed after the grace.
      const stopWorkers = () => Promise.all(workers.map((worker) => worker.stop(STOP_GRACE_MS)));
      for (const worker of workers) if (env.verbose) worker.process.stderr?.pipe(process.stderr);
      try {
        await waitUntilConsuming(env.brokerUrl, workers);
      } catch (error) {
        await stopWorkers();
        throw error;
      }
      const scratch = mkdtempSync(join(tmpdir(), 'quarry-bench-celery-'));
      return {
        roots: () => workers.map((worker) => worker.pid),
        async enqueue(urls) {
          const urlsFile = join(scratch, 'urls.txt');
          const outFile = join(scratch, 'enqueued.json');
          writeFileSync(urlsFile, urls.join('\n') + '\n');
          const driver = spawnChild(SYSTEM_PYTHON, [join(cwd, script), ...driverArgs, urlsFile, outFile], { cwd, env: pythonEnv, stdio: ['ignore', 'pipe', 'pipe'] });
          const code = await driver.exited;
          if (code !== 0) throw new Error(`${script} exited with ${code}: ${driver.output().slice(-1000)}`);
          const records = JSON.parse(readFileSync(outFile, 'utf8')) as Array<[string, string, number]>;
          return new Map<string, EnqueuedJob>(records.map(([id, url, at]) => [id, { url, at }]));
        },
        async stop() {
          await stopWorkers();
          rmSync(scratch, { recursive: true, force: true });
        },
      };
    },
  };
}

export interface CelerySystemOptions {
  /** Prefork pool size (`-c`). */
  concurrency: number;
  /** `bs4`: requests + BeautifulSoup(lxml); `lxml`: requests + bare lxml.html. */
  parser: 'bs4' | 'lxml';
}

/** One prefork worker running bench/peers/celery/tasks.py, fed by enqueue.py. */
export function celerySystem(options: CelerySystemOptions): JobSystem {
  return celeryWorkersSystem({
    id: `celery-${options.parser}-c${options.concurrency}`,
    label: `Celery prefork -c ${options.concurrency}, requests + ${options.parser === 'bs4' ? 'BeautifulSoup(lxml)' : 'bare lxml'}`,
    app: 'tasks',
    processes: 1,
    concurrency: options.concurrency,
    driver: ['enqueue.py', `scrape_${options.parser}`],
    readFields: readCeleryFields,
  });
}
