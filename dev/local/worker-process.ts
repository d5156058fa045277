/**
 * @module dev/local/worker-process
 * Runs a Quarry worker as a separate Node process (as a container would), for the local
 * stack, end-to-end tests and the local scaler.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { waitFor } from './wait-for.ts';

export interface WorkerProcessOptions {
  root?: string;
  /** Worker configuration (REDIS_URL, RESULT_REDIS_URL, QUARRY_PREFIX, …) on top of process.env. */
  env: Record<string, string>;
  /** Forward the worker's logs to this process's stdio. */
  inheritOutput?: boolean;
  /** Append the worker's stdout and stderr to this file instead (tests read it when they fail). */
  logFile?: string;
  /** Extra Node flags, e.g. `--max-old-space-size=192`. */
  nodeArgs?: string[];
  /** Serve the health endpoints on this port of 127.0.0.1 (QUARRY_HEALTH_PORT/HOST), for `ready()`. */
  healthPort?: number;
}

export interface WorkerProcess {
  readonly process: ChildProcess;
  readonly pid: number;
  /** SIGTERM (graceful drain) and wait; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** Resolves once `/readyz` answers 200 (needs `healthPort`); rejects when the worker exits first or time runs out. */
  ready(timeoutMs?: number): Promise<void>;
}

export function startWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const { root = process.cwd(), inheritOutput = false, nodeArgs = [], logFile, healthPort } = { ...options };
  const health = healthPort === undefined ? {} : { QUARRY_HEALTH_PORT: String(healthPort), QUARRY_HEALTH_HOST: '127.0.0.1' };
  // The child gets its own descriptor; ours is closed once it is spawned.
  const log = logFile === undefined ? undefined : openSync(logFile, 'a');
  const output = log ?? (inheritOutput ? 'inherit' : 'ignore');
  const child = spawn(process.execPath, [...nodeArgs, resolve(root, 'worker/src/main.ts')], {
    cwd: root,
    env: { ...process.env, ...options.env, ...health },
    stdio: ['ignore', output, output],
  });
  if (log !== undefined) closeSync(log);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    process: child,
    pid: child.pid!,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async ready(timeoutMs = 60_000) {
      if (healthPort === undefined) throw new Error('ready() needs the healthPort option');
      const died = exited.then((code) => {
        throw new Error(`worker ${child.pid} exited with code ${code} before /readyz answered (its output says why)`);
      });
      await Promise.race([
        waitFor(async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, { timeoutMs, intervalMs: 100, description: `worker ${child.pid} /readyz` }),
        died,
      ]);
    },
  };
}
