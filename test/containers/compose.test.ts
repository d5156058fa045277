/**
 * infra/compose.yaml run for real, on the host network (infra/compose.host-network.yaml):
 * podman-compose here (Debian 12's 1.0.3, through the podman wrapper of ensureComposeTool),
 * `docker compose` where a Docker daemon answers. Where the official images cannot be pulled, on
 * the local Node base with infra/compose.local-base.yaml (Debian's redis-server instead of
 * redis:7.4-bookworm). The whole stack comes up (two Redis, two REST servers, the edge under
 * wrangler dev, two worker replicas, the dashboard) on ports this test allocates; an HTTP and a
 * browser job enqueued through the edge complete; a worker replica stopped by the engine exits 0
 * and the other one keeps serving.
 *
 * All traffic stays on 127.0.0.0/8: every container runs with host networking and no compose
 * network exists (both checked), the services listen on 127.0.0.1, and the jobs scrape a local
 * test site on 127.0.0.2, which the workers are told is allowed (a test-only override, written to
 * a temp dir, as QUARRY_ALLOW_PRIVATE_CIDRS in the other e2e tests).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureComposeTool, type ComposeTool, type ContainerEngine } from '../../dev/local/container-engine.ts';
import { ensureDevVars } from '../../dev/local/dev-vars.ts';
import { freePort } from '../../dev/local/free-port.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';
import { buildWorkerImage, containerSkipReason, IMAGE_TIMEOUT_MS, removeDir, tempLogDir, waitForFinalJob } from './container-stack.ts';

const skipReason = containerSkipReason();
const SITE_HOST = '127.0.0.2';
const project = `quarry-compose-${randomBytes(3).toString('hex')}`;
/** The variables of infra/compose.host-network.yaml, each given a free port on 127.0.0.1. */
const PORT_VARIABLES = [
  'QUARRY_COMPOSE_REDIS_PORT', 'QUARRY_COMPOSE_RESULTS_REDIS_PORT', 'QUARRY_COMPOSE_REST_PORT',
  'QUARRY_COMPOSE_RESULTS_REST_PORT', 'QUARRY_COMPOSE_EDGE_PORT', 'QUARRY_COMPOSE_DASHBOARD_PORT',
] as const;

let engine: ContainerEngine;
let compose: ComposeTool;
let files: string[];
let env: NodeJS.ProcessEnv;
let ports: Record<(typeof PORT_VARIABLES)[number], number>;
let logDir: string;
let site: TestSite;
let edge: EdgeClient;
let upLog = '';
let skipped: string | undefined;
const t0 = Date.now();

function run(args: string[], timeoutMs = 60_000): { status: number | null; output: string } {
  const [command, ...rest] = compose.command;
  const result = spawnSync(command!, [...rest, '-p', project, ...files.flatMap((f) => ['-f', f]), ...compose.globalFlags, ...args], { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

const listening = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

/** The project's containers (stopped ones too) by the label both compose implementations set. */
const projectContainers = () => engine.exec(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}'])
  .split('\n').filter(Boolean).sort();

describe.skipIf(skipReason !== undefined)('infra/compose.yaml', () => {
  beforeAll(async () => {
    logDir = tempLogDir('compose');
    site = await startTestSite({ hosts: [SITE_HOST] });
    // The worker image (and the local base where needed), as image:build makes them; compose reuses quarry-worker:dev.
    const built = await buildWorkerImage(logDir);
    engine = built.engine;
    compose = ensureComposeTool(engine, { log: (line) => console.info(line), hostNetwork: { dir: logDir } });
    // What the compose header says to do first: `npm start` writes .dev.vars (kept if it exists).
    const { vars } = ensureDevVars('.dev.vars', { brokerRestPort: 8079, resultsRestPort: 8078 });
    const apiKey = vars.API_KEYS!.split(',')[0]!.split('#')[0]!.trim();
    if (apiKey.startsWith('sha256:')) {
      skipped = '.dev.vars holds only a hashed API key; the test needs a plaintext one to call the edge';
      return;
    }
    const dashboardPassword = vars.QUARRY_DASHBOARD_PASSWORD ?? randomBytes(18).toString('base64url');
    ports = Object.fromEntries(await Promise.all(PORT_VARIABLES.map(async (name) => [name, await freePort()]))) as typeof ports;
    env = {
      ...process.env, ...vars, QUARRY_DASHBOARD_PASSWORD: dashboardPassword, NODE_IMAGE: built.built.base.image,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    };
    const jobsOverride = join(logDir, 'compose.test-jobs.yaml');
    // The jobs' target is the test site on 127.0.0.2, a private address the workers refuse unless allowed.
    writeFileSync(jobsOverride, `services:\n  worker:\n    environment:\n      QUARRY_ALLOW_PRIVATE_CIDRS: "${SITE_HOST}/32"\n      QUARRY_SHUTDOWN_TIMEOUT_MS: "3000"\n`);
    files = [
      'infra/compose.yaml', ...(built.built.base.source === 'official' ? [] : ['infra/compose.local-base.yaml']),
      'infra/compose.host-network.yaml', jobsOverride,
    ];
    const up = run(['up', '-d'], IMAGE_TIMEOUT_MS - 60_000);
    upLog = up.output;
    expect(up.status, `compose up:\n${up.output.slice(-5_000)}`).toBe(0);
    console.info(`compose up (${compose.command.join(' ')}, ${files.length} files): ${((Date.now() - t0) / 1000).toFixed(1)} s since the suite started`);
    const edgeUrl = `http://127.0.0.1:${ports.QUARRY_COMPOSE_EDGE_PORT}`;
    edge = edgeClient(edgeUrl, apiKey);
    await waitFor(async () => (await fetch(`${edgeUrl}/healthz`)).ok, { timeoutMs: 120_000, intervalMs: 500, description: `the compose edge on ${edgeUrl}` });
  }, IMAGE_TIMEOUT_MS);

  afterAll(async () => {
    if (compose && files) {
      const down = run(['down', '-t', '30'], 120_000);
      if (down.status !== 0) console.error(`compose down:\n${down.output.slice(-3_000)}`);
      // podman-compose 1.0.3 leaves the named volume behind.
      if (engine?.name === 'podman') spawnSync('podman', ['volume', 'rm', '-f', `${project}_redis-data`], { stdio: 'ignore' });
    }
    await site?.close();
    removeDir(logDir);
    console.info(`compose suite: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 180_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail' && compose) {
      console.error(upLog.slice(-3_000));
      for (const service of ['edge', 'worker', 'rest']) console.error(`--- ${service} ---\n${run(['logs', service], 30_000).output.slice(-4_000)}`);
    }
  });

  const workerNames = () => engine.exec(['ps', '--format', '{{.Names}}']).split('\n').filter((name) => name.startsWith(`${project}_worker_`) || name.startsWith(`${project}-worker-`)).sort();

  it('runs every container on the host network and creates no compose network', async (context) => {
    if (skipped) {
      console.warn(`compose test skipped: ${skipped}`);
      return context.skip();
    }
    const containers = projectContainers();
    // redis, redis-results, rest, rest-results, edge, two workers, dashboard.
    expect(containers, 'the project\'s containers').toHaveLength(8);
    for (const name of containers) {
      expect(engine.exec(['inspect', '--format', '{{.HostConfig.NetworkMode}}', name]).trim(), `${name} network mode`).toBe('host');
      expect(engine.exec(['inspect', '--format', '{{.State.Running}}', name]).trim(), `${name} running`).toBe('true');
    }
    const networks = engine.exec(['network', 'ls', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Name}}']).trim();
    expect(networks, 'networks created for the project').toBe('');
    expect(engine.exec(['network', 'ls', '--format', '{{.Name}}']).split('\n').filter((name) => name.startsWith(project)), 'networks named after the project').toEqual([]);
    // Each service took the port this test gave it (a misspelt variable would leave it at its default).
    for (const [name, port] of Object.entries(ports)) expect(await listening(port), `127.0.0.1:${port} (${name})`).toBe(true);
    // The dashboard answers on its own loopback port.
    expect((await fetch(`http://127.0.0.1:${ports.QUARRY_COMPOSE_DASHBOARD_PORT}/healthz`)).status).toBe(200);
  });

  it('runs the whole stack with two worker replicas; HTTP and browser jobs through the edge complete', { timeout: 180_000 }, async (context) => {
    if (skipped) return context.skip();
    expect(workerNames()).toHaveLength(2);
    const ids: string[] = [];
    for (const request of [
      { url: site.url(SITE_HOST, '/page/1'), mode: 'http' },
      { url: site.url(SITE_HOST, '/js/1'), mode: 'browser', waitFor: '#rendered' },
    ]) {
      const res = await edge.post('/v1/jobs', request);
      expect(res.status, await res.clone().text()).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    for (const [i, id] of ids.entries()) {
      expect(await waitForFinalJob(edge, id, 90_000)).toMatchObject({ status: 'completed', result: { httpStatus: 200, mode: i === 0 ? 'http' : 'browser', attempt: 1 } });
    }
    const fetched = site.log.map((entry) => `${entry.host} ${entry.path}`);
    expect(fetched).toEqual(expect.arrayContaining([`${SITE_HOST} /page/1`, `${SITE_HOST} /js/1`]));
  });

  it('passes the worker healthcheck; a replica stopped by the engine drains and exits 0, the other keeps serving', { timeout: 180_000 }, async (context) => {
    if (skipped) return context.skip();
    const [first, second] = workerNames();
    if (engine.name === 'podman') {
      // No systemd timers for podman healthchecks here: run the compose-defined checks once.
      for (const name of [first!, second!]) expect(spawnSync('podman', ['healthcheck', 'run', name]).status, `${name} healthcheck`).toBe(0);
    }
    const stop = spawnSync(engine.name, ['stop', '-t', '40', first!], { encoding: 'utf8' });
    expect(stop.status, stop.stderr).toBe(0);
    expect(engine.exec(['inspect', '--format', '{{.State.ExitCode}}', first!]).trim(), `${first} exit code`).toBe('0');
    const res = await edge.post('/v1/jobs', { url: site.url(SITE_HOST, '/page/2?after-stop'), mode: 'http' });
    const { id } = (await res.json()) as { id: string };
    expect(await waitForFinalJob(edge, id, 60_000)).toMatchObject({ status: 'completed' });
    expect(workerNames()).toEqual([second]);
  });
});
