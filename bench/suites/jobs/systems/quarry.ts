/**
 * @module bench/suites/jobs/systems/quarry
 * Quarry as deployed: N worker processes (`worker/src/main.ts` via dev/local/worker-process.ts,
 * configured through the env vars of worker/src/config.ts), fed by the edge-equivalent bulk
 * enqueue; ready when every worker's `/readyz` answers 200.
 */
import { startArtifactServer, type ArtifactServer } from '../../../../dev/local/artifact-server.ts';
import { freePort } from '../../../../dev/local/free-port.ts';
import { startWorkerProcess, type WorkerProcess } from '../../../../dev/local/worker-process.ts';
import { resultKey } from '../../../../shared/keys.ts';
import { stopProcessTree } from '../../../setup/child.ts';
import { createBulkEnqueuer } from './bullmq-enqueue.ts';
import type { JobSystem, SystemEnv } from '../job-system.ts';
import { readQuarryFields, BENCH_PREFIX } from './result-format.ts';
import type { JobRequestExtra } from '../../../workload/pages.ts';

export interface QuarrySystemOptions {
  workers: number;
  /** Jobs per process (QUARRY_CONCURRENCY). */
  concurrency: number;
  /** Browser pages per process (QUARRY_BROWSER_PAGES). */
  browserPages?: number;
  /** Extra worker env on top of the bench's (e.g. real per-domain limits for a politeness suite). */
  env?: Record<string, string>;
  /** Request fields added to every job (e.g. `formats`), and the row's name for them (`quarry-<mode>-<variant>-1w`). */
  request?: { extra: JobRequestExtra; variant: string; label: string };
  /** Run a local artifact store (dev/local/artifact-server.ts, in the harness process) for screenshots and PDFs. */
  artifacts?: boolean;
}

/**
 * Throughput suites measure scraping, not politeness: the per-domain limits (default 5/s and 4 in
 * flight per domain) are set out of reach, so the limiter still runs per job but never throttles.
 * An empty QUARRY_DOMAIN_RATES would mean the default, not "no limit" (empty counts as unset).
 */
export const UNTHROTTLED_ENV = { QUARRY_DOMAIN_RATES: '100000/1000', QUARRY_DOMAIN_CONCURRENCY: '0' };

async function startWorkers(env: SystemEnv, options: QuarrySystemOptions, storeEnv: Record<string, string>): Promise<WorkerProcess[]> {
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < options.workers; i++) {
    const worker = startWorkerProcess({
      root: env.root,
      healthPort: await freePort(),
      inheritOutput: env.verbose,
      // Profiling hook (bench/README.md): e.g. --cpu-prof --cpu-prof-dir=/tmp/prof
      nodeArgs: process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
      env: {
        REDIS_URL: env.brokerUrl,
        RESULT_REDIS_URL: env.resultsUrl,
        QUARRY_PREFIX: BENCH_PREFIX,
        QUARRY_CONCURRENCY: String(options.concurrency),
        QUARRY_BROWSER_PAGES: String(options.browserPages ?? 4),
        // The SSRF guard refuses loopback unless allowed; the test site lives on 127.0.0.2–5.
        QUARRY_ALLOW_PRIVATE_CIDRS: '127.0.0.0/8',
        QUARRY_SHUTDOWN_TIMEOUT_MS: '3000',
        LOG_LEVEL: env.verbose ? 'info' : 'warn',
        ...(env.chromium ? { PUPPETEER_EXECUTABLE_PATH: env.chromium } : {}),
        ...UNTHROTTLED_ENV,
        ...storeEnv,
        ...options.env,
      },
    });
    workers.push(worker);
    await worker.ready(60_000); // the worker's output (--verbose) says why one exits instead
  }
  return workers;
}

export function quarrySystem(options: QuarrySystemOptions, mode: 'http' | 'browser'): JobSystem {
  const prefix = `${BENCH_PREFIX}:result:`;
  return {
    id: `quarry-${mode}-${options.request ? `${options.request.variant}-` : ''}${options.workers}w`,
    label: `Quarry ${mode}${options.request ? ` ${options.request.label}` : ''}, ${options.workers} worker${options.workers === 1 ? '' : 's'} × ${mode === 'browser' ? `${options.browserPages ?? 4} pages` : `concurrency ${options.concurrency}`}`,
    broker: true,
    jobIdOf: (key) => (key.startsWith(prefix) ? key.slice(prefix.length) : undefined),
    resultKeyOf: (id) => resultKey(BENCH_PREFIX, id),
    readFields: readQuarryFields,
    async start(env) {
      const enqueuer = await createBulkEnqueuer(env.brokerUrl, BENCH_PREFIX, env.kind, options.request?.extra);
      let workers: WorkerProcess[] = [];
      let store: ArtifactServer | undefined;
      const stopWorkers = async () => {
        await Promise.all(workers.map((worker) => stopProcessTree(worker.pid, () => worker.stop(), 15_000)));
        await store?.close();
      };
      try {
        if (options.artifacts) store = await startArtifactServer();
        workers = await startWorkers(env, options, store?.workerEnv ?? {});
      } catch (error) {
        await stopWorkers();
        await enqueuer.close();
        throw error;
      }
      return {
        roots: () => workers.map((worker) => worker.pid),
        enqueue: (urls) => enqueuer.enqueue(urls),
        diagnose: () => enqueuer.counts(),
        async stop() {
          await stopWorkers();
          await enqueuer.close();
        },
      };
    },
  };
}
