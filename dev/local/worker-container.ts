/**
 * @module dev/local/worker-container
 * Runs a Quarry worker as a container of the `quarry-worker` image, the way worker-process.ts
 * runs one as a process: same configuration, same `stop()` (graceful drain: `<engine> stop`
 * sends SIGTERM to tini, which forwards it to Node), same `ready()` on /readyz. For the local
 * stack (`npm start -- --containers`), the local scaler and the container tests.
 *
 * Host network: the local stack's Redis servers, REST servers and test sites listen on
 * 127.0.0.x, which the container then reaches as they are; each container therefore needs its
 * own health port. The container runs attached (`run --rm` without `-d`), so its output streams
 * to a log and the engine client's exit is the container's exit code.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { ContainerEngine } from './container-engine.ts';
import { waitFor } from './wait-for.ts';

export interface WorkerContainerOptions {
  engine: ContainerEngine;
  image: string;
  /** Container name, unique on this host. */
  name: string;
  /** Worker configuration (REDIS_URL, QUARRY_PREFIX, …); passed by name, never on the command line. */
  env: Record<string, string>;
  /** QUARRY_HEALTH_PORT on the host network, for `ready()` and the HEALTHCHECK. */
  healthPort: number;
  /** Append the container's output to this file. */
  logFile?: string;
  /** Forward the container's output to this process's stdio instead. */
  inheritOutput?: boolean;
  /** Seconds `<engine> stop` waits before SIGKILL: longer than the worker's drain (compose: 40). */
  stopTimeoutS?: number;
  /** More `run` flags (e.g. `--security-opt`), before the image. */
  runArgs?: string[];
}

export interface WorkerContainer {
  readonly name: string;
  readonly healthPort: number;
  /** `<engine> stop` (SIGTERM, drain, SIGKILL after the timeout) and wait; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** `<engine> kill`: a crash. */
  kill(): Promise<void>;
  /** Resolves when the container has exited (and, with `--rm`, is removed). */
  exited: Promise<number | null>;
  /** Resolves once `/readyz` answers 200; rejects when the container exits first or time runs out. */
  ready(timeoutMs?: number): Promise<void>;
  /** Host PID of the container's PID 1 (tini), for /proc inspection. */
  pid(): number;
}

export function startWorkerContainer(options: WorkerContainerOptions): WorkerContainer {
  const { engine, image, name, healthPort, stopTimeoutS = 40, runArgs = [], logFile, inheritOutput = false } = options;
  const env = { ...options.env, QUARRY_HEALTH_PORT: String(healthPort), QUARRY_HEALTH_HOST: '127.0.0.1' };
  const args = [
    'run', '--rm', '--name', name, '--network', 'host',
    // Docker's default 64 MB /dev/shm, as in compose (the worker also passes --disable-dev-shm-usage).
    '--shm-size', '256m',
    ...engine.runFlags,
    // `--env NAME` copies the value from the engine client's environment: secrets stay off argv.
    ...Object.keys(env).flatMap((key) => ['--env', key]),
    ...runArgs, image,
  ];
  const log = logFile === undefined ? undefined : openSync(logFile, 'a');
  const output = log ?? (inheritOutput ? 'inherit' : 'ignore');
  const client = spawn(engine.name, args, {
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', output, output],
    // Its own process group: a terminal's Ctrl-C must not reach the client (it would proxy the
    // signal into the container); `stop()` is the one way a container is stopped, in order.
    detached: true,
  });
  if (log !== undefined) closeSync(log);
  const exited = new Promise<number | null>((done) => client.once('exit', (code) => done(code)));
  const running = () => client.exitCode === null && client.signalCode === null;
  const engineCommand = (command: string[]) => new Promise<void>((done) => {
    spawn(engine.name, command, { stdio: 'ignore' }).once('exit', () => done());
  });
  return {
    name, healthPort, exited,
    async stop() {
      // Until the container exists, `stop` would find nothing: wait for it to be up first.
      if (running()) {
        await waitFor(() => !running() || engine.status(['container', 'inspect', name]) === 0, { timeoutMs: 60_000, intervalMs: 200, description: `container ${name} to exist` });
        if (running()) await engineCommand(['stop', '-t', String(stopTimeoutS), name]);
      }
      return exited;
    },
    async kill() {
      if (running()) await engineCommand(['kill', name]);
      await exited;
    },
    async ready(timeoutMs = 120_000) {
      const died = exited.then((code) => {
        throw new Error(`container ${name} exited with code ${code} before /readyz answered (its log says why)`);
      });
      await Promise.race([
        waitFor(async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, { timeoutMs, intervalMs: 200, description: `container ${name} /readyz` }),
        died,
      ]);
    },
    pid: () => Number(engine.exec(['container', 'inspect', '--format', '{{.State.Pid}}', name]).trim()),
  };
}
