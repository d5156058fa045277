/**
 * @module scripts/start
 * `npm start`: the local stack in one command — redis-server (broker + results), the
 * Upstash-compatible REST servers, the edge under `wrangler dev` on 127.0.0.1:8787, worker
 * processes (or, with --containers, containers of the quarry-worker image on the host network)
 * and the queue dashboard on 127.0.0.1:9466. Ctrl-C stops everything.
 */
import { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDevVars, localApiKey } from '../dev/local/dev-vars.ts';
import { startLocalStack, type LocalContainerOptions } from '../dev/local/local-stack.ts';
import { ensureSystemDeps } from '../dev/local/system-deps.ts';
import { assertDashboardPassword } from '../worker/src/dashboard/dashboard-settings.ts';
import { DEFAULT_TASK_MODULES, MANIFEST_FILE, renderTasksManifest } from './tasks-manifest.ts';

const program = new Command('npm start --')
  .description('Run Quarry locally: Redis, REST servers, the edge (wrangler dev) and workers.')
  .option('--workers <n>', 'worker processes', (v) => Number.parseInt(v, 10), Number(process.env.QUARRY_WORKERS ?? 1))
  .option('--edge-port <port>', 'edge port', (v) => Number.parseInt(v, 10), Number(process.env.QUARRY_EDGE_PORT ?? 8787))
  .option('--redis-port <port>', 'broker redis-server port (results use the next one)', (v) => Number.parseInt(v, 10), Number(process.env.QUARRY_REDIS_PORT ?? 6390))
  .option('--scale', 'let the local scaler add and remove workers by the KEDA rule (min = --workers)')
  .option('--max-workers <n>', 'most workers the scaler may run', (v) => Number.parseInt(v, 10), 4)
  .option('--rest-port <port>', 'broker REST server port (results use the one below)', (v) => Number.parseInt(v, 10), Number(process.env.QUARRY_REST_PORT ?? 8079))
  .option('--dashboard-port <port>', 'queue dashboard port', (v) => Number.parseInt(v, 10), Number(process.env.QUARRY_DASHBOARD_PORT ?? 9466))
  .option('--no-dashboard', 'do not run the queue dashboard')
  .option('--containers', 'run the workers as containers of the quarry-worker image (built first, podman or docker) instead of processes')
  .parse();

const opts = program.opts<{ workers: number; edgePort: number; redisPort: number; restPort: number; scale?: boolean; maxWorkers: number; dashboardPort: number; dashboard: boolean; containers?: boolean }>();
const root = process.cwd();

try {
  ensureSystemDeps({ chromium: true, log: (line) => console.log(line) });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const devVarsPath = join(root, '.dev.vars');
const { vars, created, appended } = ensureDevVars(devVarsPath, { brokerRestPort: opts.restPort, resultsRestPort: opts.restPort - 1 });
if (created) console.log(`Created ${devVarsPath} with a new API key and REST token.`);
if (appended.length) console.log(`Added ${appended.join(', ')} to ${devVarsPath}.`);

// The dashboard's password lives with the other local secrets (compose reads it from there too);
// the environment wins, so a password set for one run is never written down.
let dashboardPassword = process.env.QUARRY_DASHBOARD_PASSWORD || vars.QUARRY_DASHBOARD_PASSWORD;
if (opts.dashboard && !dashboardPassword) {
  dashboardPassword = randomBytes(18).toString('base64url');
  appendFileSync(devVarsPath, `\nQUARRY_DASHBOARD_PASSWORD=${dashboardPassword}\n`);
  console.log(`Added QUARRY_DASHBOARD_PASSWORD to ${devVarsPath}.`);
}
const dashboardUser = process.env.QUARRY_DASHBOARD_USER || 'admin';
try {
  if (opts.dashboard) assertDashboardPassword(dashboardPassword!);
} catch (error) {
  console.error(`${(error as Error).message} (or run with --no-dashboard).`);
  process.exit(1);
}

let containers: LocalContainerOptions | undefined;
if (opts.containers) {
  const { ensureContainerEngine, megabytes } = await import('../dev/local/container-engine.ts');
  const { ensureWorkerImage } = await import('../dev/local/worker-image.ts');
  try {
    const engine = ensureContainerEngine({ log: (line) => console.log(line) });
    console.log(`Building the worker image with ${engine.name} (cached layers are reused)…`);
    const built = await ensureWorkerImage(engine, { root, log: (line) => console.log(line) });
    console.log(`Worker image ${built.image}: ${megabytes(built.sizeBytes)} (build ${built.seconds.toFixed(0)} s).`);
    containers = { engine, image: built.image, count: opts.workers };
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

// The tasks the workers load, and the manifest the edge validates their inputs with (bundled by
// wrangler dev at start): the example tasks unless QUARRY_TASKS names others.
const taskModules = process.env.QUARRY_TASKS ?? DEFAULT_TASK_MODULES;
try {
  writeFileSync(join(root, MANIFEST_FILE), await renderTasksManifest(taskModules, root));
} catch (error) {
  console.error(`QUARRY_TASKS: ${(error as Error).message}`);
  process.exit(1);
}

console.log('Starting Redis, REST servers, the artifact store, the edge and workers…');
const stack = await startLocalStack({
  root, devVars: vars, workers: containers ? 0 : opts.workers, inheritOutput: true,
  ...(containers ? { containers } : {}),
  brokerRedisPort: opts.redisPort, resultsRedisPort: opts.redisPort + 1, edgePort: opts.edgePort,
  dataDir: join(root, '.quarry', 'data'),
  // Containers run the image's dist/ (no examples/): they load tasks only when QUARRY_TASKS says so.
  workerEnv: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...(containers ? {} : { QUARRY_TASKS: taskModules }) },
  ...(opts.dashboard && dashboardPassword ? {
    dashboard: { password: dashboardPassword, user: dashboardUser, port: opts.dashboardPort, readOnly: process.env.QUARRY_DASHBOARD_READ_ONLY !== 'false' },
  } : {}),
});

const keyHint = localApiKey(vars) ?? '<your API key>';
console.log(`
Quarry is up.
  edge     ${stack.edge!.url}   (wrangler dev, workerd)
  broker   ${stack.brokerRedis.url} via ${stack.brokerRest.url}
  results  ${stack.resultsRedis.url} via ${stack.resultsRest.url}
  workers  ${containers ? `${stack.containers.length} container(s) of ${containers.image}` : `${stack.workers.length} process(es)`}
  artifacts ${stack.artifacts?.endpoint ?? 'off'}   (S3-compatible, bucket ${stack.artifacts?.bucket ?? '-'}, data in .quarry/data/artifacts)
  API key  ${keyHint}${stack.dashboard ? `
  dashboard ${stack.dashboard.url}   (user ${dashboardUser}, password ${dashboardPassword}; QUARRY_DASHBOARD_PASSWORD in .dev.vars)` : ''}

Try it:
  curl -s -X POST ${stack.edge!.url}/v1/jobs -H "Authorization: Bearer ${keyHint}" -H "Content-Type: application/json" \\
    -d '{"url":"https://example.com/","extract":{"heading":"h1"}}'
  curl -s ${stack.edge!.url}/v1/jobs/<id> -H "Authorization: Bearer ${keyHint}"
  tasks    ${containers ? '(none in containers)' : taskModules}   (see README "Writing tasks"; the example: examples/tasks/README.md)

Ctrl-C stops everything.`);

let scaler: { stop(): Promise<void> } | undefined;
if (opts.scale) {
  const { Redis } = await import('ioredis');
  const { loadConfig } = await import('../worker/src/config.ts');
  const { startLocalScaler } = await import('../dev/local/local-scaler.ts');
  const { eligibleBacklogMeter } = await import('../worker/src/scaling/scaling-signal.ts');
  const config = loadConfig({ ...process.env, ...stack.workerEnv });
  const redis = new Redis(stack.brokerRedis.url, { maxRetriesPerRequest: null });
  const common = {
    rule: { slotsPerPod: config.concurrency, minReplicas: Math.max(1, opts.workers), maxReplicas: opts.maxWorkers, scaleInCooldownMs: config.scaleInCooldownSeconds * 1000 },
    measure: eligibleBacklogMeter(redis, config),
    onDecision: (d: { demand: number; from: number; to: number }) => console.log(`scaler: demand ${d.demand} → ${d.from} → ${d.to} ${containers ? 'container' : 'worker'}(s)`),
    onError: (error: unknown) => console.error(`scaler: ${(error as Error).message}`),
  };
  // Same rule, same loop: only what a replica is differs.
  const local = containers
    ? startLocalScaler({ ...common, startWorker: () => stack.addContainer(), workers: stack.containers })
    : startLocalScaler({ ...common, startWorker: () => stack.addWorker(), workers: stack.workers });
  scaler = { stop: async () => { await local.stop(); redis.disconnect(); } };
  console.log(`Local scaler on: ${Math.max(1, opts.workers)}–${opts.maxWorkers} ${containers ? 'containers' : 'workers'}, ${config.concurrency} slots each.`);
}

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping workers (draining), the edge, the dashboard, REST servers and Redis…`);
  await scaler?.stop();
  await stack.stop();
  console.log('Stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
for (const worker of stack.workers) {
  void worker.exited.then((code) => { if (!stopping) console.error(`worker ${worker.pid} exited with code ${code}`); });
}
for (const container of stack.containers) {
  void container.exited.then((code) => { if (!stopping) console.error(`container ${container.name} exited with code ${code}`); });
}
