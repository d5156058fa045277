/**
 * @module dev/local/local-stack
 * The whole local stack as real processes: broker and result-store `redis-server`s, the
 * Upstash-compatible REST server in front of each, the edge under `wrangler dev`, and N
 * worker processes and/or worker containers (host network); optionally the queue dashboard, in
 * this process. Used by `npm start`, the end-to-end tests and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerEngine } from './container-engine.ts';
import { freePort } from './free-port.ts';
import { startWorkerContainer, type WorkerContainer } from './worker-container.ts';
import { startRestServer, type RestServerHandle } from '../rest-server/index.ts';
import { startDashboard, type DashboardServer } from '../../worker/src/dashboard/dashboard-server.ts';
import { startArtifactServer, type ArtifactServer } from './artifact-server.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';
import { edgeDevVars } from './dev-vars.ts';
import { startWorkerProcess, type WorkerProcess } from './worker-process.ts';
import { startWranglerDev, type WranglerDev } from './wrangler-dev.ts';

export interface LocalStackOptions {
  root?: string;
  /** Secrets for the edge; REST URLs and tokens here decide the REST servers' ports and tokens. */
  devVars: Record<string, string>;
  /** Queue prefix for edge and workers (tests use their own). */
  prefix?: string;
  /** Fixed ports (npm start) or free ones (tests) when omitted. */
  brokerRedisPort?: number;
  resultsRedisPort?: number;
  edgePort?: number;
  /** Redis data directories live here; a temp dir per server when omitted. */
  dataDir?: string;
  /** Worker processes to start. */
  workers?: number;
  /** Extra worker configuration. */
  workerEnv?: Record<string, string>;
  /** Extra edge vars (`--var`). */
  edgeVars?: Record<string, string>;
  /** Start the edge (wrangler dev). */
  edge?: boolean;
  /** Forward child output (npm start) or keep quiet (tests). */
  inheritOutput?: boolean;
  /** Run the queue dashboard (in this process, on 127.0.0.1) over the broker; off when omitted. */
  dashboard?: LocalDashboardOptions;
  /** The local artifact store (S3-compatible, in this process, on 127.0.0.1); on unless false. */
  artifacts?: false | { port?: number; extraBuckets?: readonly string[] };
  /** Worker containers to start, and how (`addContainer()` needs this too). */
  containers?: LocalContainerOptions;
}

export interface LocalContainerOptions {
  engine: ContainerEngine;
  /** The worker image (dev/local/worker-image.ts builds it). */
  image: string;
  /** Containers started with the stack. */
  count?: number;
  /** Container output goes to `<logDir>/<name>.log` (else inherited or dropped, like processes'). */
  logDir?: string;
  /** Seconds `stop` waits for the drain before SIGKILL. */
  stopTimeoutS?: number;
}

export interface LocalDashboardOptions {
  /** HTTP Basic password (the dashboard refuses to run without one). */
  password: string;
  /** HTTP Basic user name. */
  user?: string;
  /** Fixed port (npm start) or a free one when omitted. */
  port?: number;
  /** Hide and refuse job and queue actions. */
  readOnly?: boolean;
}

export interface LocalStack {
  brokerRedis: RedisServer;
  resultsRedis: RedisServer;
  brokerRest: RestServerHandle;
  resultsRest: RestServerHandle;
  edge?: WranglerDev;
  dashboard?: DashboardServer;
  /** The local artifact store workers and the edge are pointed at. */
  artifacts?: ArtifactServer;
  workers: WorkerProcess[];
  /** Worker containers alive (started with the stack, by `addContainer()` or the local scaler). */
  containers: WorkerContainer[];
  /** The environment a worker of this stack runs with. */
  workerEnv: Record<string, string>;
  addWorker(extraEnv?: Record<string, string>): WorkerProcess;
  /** Starts one more worker container (needs the `containers` option); it is not ready yet. */
  addContainer(extraEnv?: Record<string, string>, runArgs?: string[]): Promise<WorkerContainer>;
  stop(): Promise<void>;
}

const portOf = (url: string | undefined) => (url ? Number(new URL(url).port) || 0 : 0);

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { root = process.cwd(), devVars, prefix = '{quarry}', workers: workerCount = 1, edge = true, inheritOutput = false } = { ...options };
  const dir = (name: string) => {
    if (!options.dataDir) return undefined;
    const path = join(options.dataDir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const brokerDir = dir('redis-broker');
  const resultsDir = dir('redis-results');
  const artifactsDir = dir('artifacts');
  const brokerRedis = await startRedisServer({
    maxmemoryPolicy: 'noeviction', appendOnly: true,
    ...(options.brokerRedisPort ? { port: options.brokerRedisPort } : {}), ...(brokerDir ? { dir: brokerDir } : {}),
  });
  const resultsRedis = await startRedisServer({
    maxmemoryPolicy: 'allkeys-lru', appendOnly: true,
    ...(options.resultsRedisPort ? { port: options.resultsRedisPort } : {}), ...(resultsDir ? { dir: resultsDir } : {}),
  });
  const brokerRest = await startRestServer({ redisUrl: brokerRedis.url, token: devVars.UPSTASH_REDIS_REST_TOKEN!, port: portOf(devVars.UPSTASH_REDIS_REST_URL) });
  const resultsRest = await startRestServer({ redisUrl: resultsRedis.url, token: devVars.RESULT_UPSTASH_REDIS_REST_TOKEN!, port: portOf(devVars.RESULT_UPSTASH_REDIS_REST_URL) });
  const artifacts = options.artifacts === false ? undefined : await startArtifactServer({
    ...(options.artifacts?.port ? { port: options.artifacts.port } : {}), ...(artifactsDir ? { directory: artifactsDir } : {}),
    ...(options.artifacts?.extraBuckets ? { extraBuckets: options.artifacts.extraBuckets } : {}),
  });
  // wrangler dev loads only the secrets wrangler.jsonc declares (the store's are optional, so not
  // declared) from the env file: the local store's vars and its per-run, local-only key pair go as --var.
  const vars = { ...devVars, UPSTASH_REDIS_REST_URL: brokerRest.url, RESULT_UPSTASH_REDIS_REST_URL: resultsRest.url };
  const artifactVars = artifacts?.edgeVars ?? {};

  const workerEnv = { REDIS_URL: brokerRedis.url, RESULT_REDIS_URL: resultsRedis.url, QUARRY_PREFIX: prefix, ...artifacts?.workerEnv, ...options.workerEnv };
  const workers: WorkerProcess[] = [];
  const addWorker = (extraEnv: Record<string, string> = {}) => {
    const worker = startWorkerProcess({ root, env: { ...workerEnv, ...extraEnv }, inheritOutput });
    workers.push(worker);
    return worker;
  };
  const containers: WorkerContainer[] = [];
  const stackId = randomBytes(3).toString('hex');
  let containerCount = 0;
  const addContainer = async (extraEnv: Record<string, string> = {}, runArgs: string[] = []) => {
    const settings = options.containers;
    if (!settings) throw new Error('addContainer() needs the containers option (engine and image)');
    const name = `quarry-worker-${stackId}-${++containerCount}`;
    const container = startWorkerContainer({
      engine: settings.engine, image: settings.image, name, runArgs, inheritOutput,
      env: { ...workerEnv, ...extraEnv }, healthPort: await freePort(),
      ...(settings.logDir ? { logFile: join(settings.logDir, `${name}.log`) } : {}),
      ...(settings.stopTimeoutS ? { stopTimeoutS: settings.stopTimeoutS } : {}),
    });
    containers.push(container);
    void container.exited.then(() => {
      const at = containers.indexOf(container);
      if (at >= 0) containers.splice(at, 1);
    });
    return container;
  };

  let edgeServer: WranglerDev | undefined;
  let dashboard: DashboardServer | undefined;
  try {
    if (options.dashboard) {
      const { password, user = 'admin', port = 0, readOnly = true } = { ...options.dashboard };
      dashboard = await startDashboard({ redisUrl: brokerRedis.url, resultRedisUrl: resultsRedis.url, prefix, host: '127.0.0.1', port, user, password, readOnly });
    }
    if (edge) {
      edgeServer = await startWranglerDev({
        root, vars: edgeDevVars(vars), inheritOutput,
        overrides: { QUARRY_PREFIX: prefix, ...artifactVars, ...options.edgeVars },
        ...(options.edgePort ? { port: options.edgePort } : {}),
      });
    }
    for (let i = 0; i < workerCount; i++) addWorker();
    for (let i = 0; i < (options.containers?.count ?? 0); i++) await addContainer();
  } catch (error) {
    await Promise.allSettled([...workers.map((w) => w.stop()), ...containers.map((c) => c.stop())]);
    await dashboard?.close();
    await Promise.allSettled([brokerRest.close(), resultsRest.close(), brokerRedis.stop(), resultsRedis.stop(), artifacts?.close()]);
    throw error;
  }

  return {
    brokerRedis, resultsRedis, brokerRest, resultsRest, workers, containers, workerEnv, addWorker, addContainer,
    ...(edgeServer ? { edge: edgeServer } : {}),
    ...(dashboard ? { dashboard } : {}),
    ...(artifacts ? { artifacts } : {}),
    async stop() {
      // Workers first (they drain), then the edge, then the servers they talk to.
      await Promise.allSettled([...workers.map((worker) => worker.stop()), ...[...containers].map((container) => container.stop())]);
      await edgeServer?.stop();
      await Promise.allSettled([brokerRest.close(), resultsRest.close(), dashboard?.close(), artifacts?.close()]);
      await Promise.allSettled([brokerRedis.dispose(), resultsRedis.dispose()]);
    },
  };
}
