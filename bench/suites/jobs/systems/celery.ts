/**
 * @module bench/suites/jobs/systems/celery
 * Celery 5 (Debian's python3-celery) as a job system: a prefork worker with a Redis broker and
 * a Redis result backend running bench/peers/celery/tasks.py, fed by bench/peers/celery/enqueue.py
 * (`send_task` per URL). Ready when its consumer blocks in BRPOP on the broker.
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

export interface CelerySystemOptions {
  /** Prefork pool size (`-c`). */
  concurrency: number;
  /** `bs4`: requests + BeautifulSoup(lxml); `lxml`: requests + bare lxml.html. */
  parser: 'bs4' | 'lxml';
}

const META_PREFIX = 'celery-task-meta-';

/** Ready = the pool is up and the consumer sits in BRPOP on the broker (WARNING logs print no "ready."). */
async function waitUntilConsuming(brokerUrl: string, worker: BenchChild): Promise<void> {
  const admin = benchRedis(brokerUrl);
  try {
    await waitFor(async () => {
      if (worker.process.exitCode !== null) throw new Error(`celery worker exited: ${worker.output().slice(-1500)}`);
      return /cmd=brpop/.test(String(await admin.client('LIST')));
    }, { timeoutMs: 60_000, intervalMs: 100, description: 'the Celery worker to consume' });
  } finally {
    admin.disconnect();
  }
}

export function celerySystem(options: CelerySystemOptions): JobSystem {
  const task = `scrape_${options.parser}`;
  return {
    id: `celery-${options.parser}-c${options.concurrency}`,
    label: `Celery prefork -c ${options.concurrency}, requests + ${options.parser === 'bs4' ? 'BeautifulSoup(lxml)' : 'bare lxml'}`,
    broker: true,
    jobIdOf: (key) => (key.startsWith(META_PREFIX) ? key.slice(META_PREFIX.length) : undefined),
    resultKeyOf: (id) => META_PREFIX + id,
    readFields: readCeleryFields,
    async start(env) {
      const cwd = join(env.root, 'bench/peers/celery');
      const pythonEnv = {
        ...process.env, BENCH_BROKER_URL: env.brokerUrl, BENCH_RESULTS_URL: env.resultsUrl, PYTHONDONTWRITEBYTECODE: '1',
        // Debian's interpreter must not pick up a pyenv's site-packages.
        PYTHONPATH: cwd, PYTHONNOUSERSITE: '1',
      };
      // WARNING, like Quarry's LOG_LEVEL=warn here: INFO logs a line per task.
      const worker = spawnChild(SYSTEM_PYTHON, [
        '-m', 'celery', '-A', 'tasks', 'worker', '--pool=prefork', '-c', String(options.concurrency), '--loglevel=WARNING',
        '--without-gossip', '--without-mingle', '--without-heartbeat', '-n', `bench-${process.pid}@%h`,
      ], { cwd, env: pythonEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      if (env.verbose) worker.process.stderr?.pipe(process.stderr);
      try {
        await waitUntilConsuming(env.brokerUrl, worker);
      } catch (error) {
        await worker.stop(5_000);
        throw error;
      }
      const scratch = mkdtempSync(join(tmpdir(), 'quarry-bench-celery-'));
      return {
        roots: () => [worker.pid],
        async enqueue(urls) {
          const urlsFile = join(scratch, 'urls.txt');
          const outFile = join(scratch, 'enqueued.json');
          writeFileSync(urlsFile, urls.join('\n') + '\n');
          const driver = spawnChild(SYSTEM_PYTHON, [join(cwd, 'enqueue.py'), task, urlsFile, outFile], { cwd, env: pythonEnv, stdio: ['ignore', 'pipe', 'pipe'] });
          const code = await driver.exited;
          if (code !== 0) throw new Error(`enqueue.py exited with ${code}: ${driver.output().slice(-1000)}`);
          const records = JSON.parse(readFileSync(outFile, 'utf8')) as Array<[string, string, number]>;
          return new Map<string, EnqueuedJob>(records.map(([id, url, at]) => [id, { url, at }]));
        },
        async stop() {
          // SIGTERM is Celery's warm shutdown: the pool finishes and exits; the rest is killed after the grace.
          await worker.stop(15_000);
          rmSync(scratch, { recursive: true, force: true });
        },
      };
    },
  };
}
