/**
 * infra/compose.yaml run for real: podman-compose here (Debian 12's 1.0.3, with the CNI dnsname
 * plugin for service names), `docker compose` where a Docker daemon answers. Where the official
 * images cannot be pulled, on the local Node base with infra/compose.local-base.yaml (Debian's
 * redis-server instead of redis:7.4-bookworm). The whole stack comes up (two Redis, two REST
 * servers, the edge under wrangler dev, two worker replicas, the dashboard); an HTTP and a browser
 * job enqueued through the edge on 127.0.0.1:8787 complete; a worker replica stopped by the
 * engine exits 0 and the other one keeps serving.
 *
 * The jobs fetch the REST server's health route by service name (http://rest:8079/…): traffic
 * stays inside the compose network on this machine; the workers are told that network's private
 * range is allowed (a test-only override, written to a temp dir).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureComposeTool, type ComposeTool, type ContainerEngine } from '../../dev/local/container-engine.ts';
import { ensureDevVars } from '../../dev/local/dev-vars.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { buildWorkerImage, containerSkipReason, IMAGE_TIMEOUT_MS, removeDir, tempLogDir, waitForFinalJob } from './container-stack.ts';

const skipReason = containerSkipReason();
const EDGE_PORT = 8787;
const DASHBOARD_PORT = 9466;
const project = `quarry-compose-${randomBytes(3).toString('hex')}`;

let engine: ContainerEngine;
let compose: ComposeTool;
let files: string[];
let env: NodeJS.ProcessEnv;
let logDir: string;
let edge: EdgeClient;
let upLog = '';
let skipped: string | undefined;
const t0 = Date.now();

const portInUse = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

function run(args: string[], timeoutMs = 60_000): { status: number | null; output: string } {
  const [command, ...rest] = compose.command;
  const result = spawnSync(command!, [...rest, '-p', project, ...files.flatMap((f) => ['-f', f]), ...compose.globalFlags, ...args], { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe.skipIf(skipReason !== undefined)('infra/compose.yaml', () => {
  beforeAll(async () => {
    for (const port of [EDGE_PORT, DASHBOARD_PORT]) {
      if (await portInUse(port)) skipped = `127.0.0.1:${port} is in use (npm start running?); compose publishes the edge and dashboard there`;
    }
    if (skipped) return;
    logDir = tempLogDir('compose');
    // The worker image (and the local base where needed), as image:build makes them; compose reuses quarry-worker:dev.
    const built = await buildWorkerImage(logDir);
    engine = built.engine;
    compose = ensureComposeTool(engine, { log: (line) => console.info(line) });
    // What the compose header says to do first: `npm start` writes .dev.vars (kept if it exists).
    const { vars } = ensureDevVars('.dev.vars', { brokerRestPort: 8079, resultsRestPort: 8078 });
    const apiKey = vars.API_KEYS!.split(',')[0]!.split('#')[0]!.trim();
    if (apiKey.startsWith('sha256:')) {
      skipped = '.dev.vars holds only a hashed API key; the test needs a plaintext one to call the edge';
      return;
    }
    const dashboardPassword = vars.QUARRY_DASHBOARD_PASSWORD ?? randomBytes(18).toString('base64url');
    env = { ...process.env, ...vars, QUARRY_DASHBOARD_PASSWORD: dashboardPassword, NODE_IMAGE: built.built.base.image };
    const jobsOverride = join(logDir, 'compose.test-jobs.yaml');
    // The compose network's range (podman 10.89.0.0/16 and up, Docker 172.16.0.0/12): the jobs' target is the rest service.
    writeFileSync(jobsOverride, 'services:\n  worker:\n    environment:\n      QUARRY_ALLOW_PRIVATE_CIDRS: "10.88.0.0/13,172.16.0.0/12"\n      QUARRY_SHUTDOWN_TIMEOUT_MS: "3000"\n');
    files = ['infra/compose.yaml', ...(built.built.base.source === 'official' ? [] : ['infra/compose.local-base.yaml']), jobsOverride];
    const up = run(['up', '-d'], IMAGE_TIMEOUT_MS - 60_000);
    upLog = up.output;
    expect(up.status, `compose up:\n${up.output.slice(-5_000)}`).toBe(0);
    console.info(`compose up (${compose.command.join(' ')}, ${files.length} files): ${((Date.now() - t0) / 1000).toFixed(1)} s since the suite started`);
    edge = edgeClient(`http://127.0.0.1:${EDGE_PORT}`, apiKey);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${EDGE_PORT}/healthz`)).ok, { timeoutMs: 120_000, intervalMs: 500, description: 'the compose edge on 127.0.0.1:8787' });
  }, IMAGE_TIMEOUT_MS);

  afterAll(async () => {
    if (compose && files) {
      const down = run(['down', '-t', '30'], 120_000);
      if (down.status !== 0) console.error(`compose down:\n${down.output.slice(-3_000)}`);
      // podman-compose 1.0.3 leaves the named volume and the network behind.
      if (engine?.name === 'podman') {
        spawnSync('podman', ['volume', 'rm', '-f', `${project}_redis-data`], { stdio: 'ignore' });
        spawnSync('podman', ['network', 'rm', '-f', `${project}_default`], { stdio: 'ignore' });
      }
    }
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

  it('runs the whole stack with two worker replicas; HTTP and browser jobs through the edge complete', { timeout: 180_000 }, async (context) => {
    if (skipped) {
      console.warn(`compose test skipped: ${skipped}`);
      return context.skip();
    }
    expect(workerNames()).toHaveLength(2);
    const target = 'http://rest:8079/__quarry/health';
    const ids: string[] = [];
    for (const mode of ['http', 'browser']) {
      const res = await edge.post('/v1/jobs', { url: target, mode });
      expect(res.status, await res.clone().text()).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    for (const [i, id] of ids.entries()) {
      expect(await waitForFinalJob(edge, id, 90_000)).toMatchObject({ status: 'completed', result: { httpStatus: 200, mode: i === 0 ? 'http' : 'browser', attempt: 1 } });
    }
  });

  it('passes the worker healthcheck; a replica stopped by the engine drains and exits 0, the other keeps serving', { timeout: 180_000 }, async (context) => {
    if (skipped) return context.skip();
    const [first, second] = workerNames();
    if (engine.name === 'podman') {
      // No systemd timers for podman healthchecks here: run the compose-defined check once.
      expect(spawnSync('podman', ['healthcheck', 'run', first!]).status, `${first} healthcheck`).toBe(0);
    }
    const stop = spawnSync(engine.name, ['stop', '-t', '40', first!], { encoding: 'utf8' });
    expect(stop.status, stop.stderr).toBe(0);
    expect(engine.exec(['inspect', '--format', '{{.State.ExitCode}}', first!]).trim(), `${first} exit code`).toBe('0');
    const res = await edge.post('/v1/jobs', { url: 'http://rest:8079/__quarry/health?after-stop', mode: 'http' });
    const { id } = (await res.json()) as { id: string };
    expect(await waitForFinalJob(edge, id, 60_000)).toMatchObject({ status: 'completed' });
    expect(workerNames()).toEqual([second]);
  });
});
