/**
 * @module test/politeness/fleet-process
 * Runs one fleet worker (fixtures/fleet-worker.ts) as a child process with a ready/go handshake,
 * so the whole fleet starts warm and at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetWorkerConfig } from './fixtures/fleet-worker.ts';
import type { SimulatedQueueResult } from './simulated-queue.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/fleet-worker.ts', import.meta.url));

export type WorkerResult = SimulatedQueueResult & { loopDelayMs: { p99: number; max: number } };
export interface WorkerProcess { ready: Promise<void>; go(): void; done: Promise<WorkerResult> }

/** Spawns a worker process (tracked in `children` so the suite can kill it); it starts on `go()`. */
export function startFleetWorker(config: FleetWorkerConfig, children: ChildProcess[]): WorkerProcess {
  const child = spawn(process.execPath, [FIXTURE, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const done = new Promise<WorkerResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout.slice('ready\n'.length))) : reject(new Error(`worker exited ${code}: ${stderr}`))));
  });
  return { ready: Promise.race([ready, done.then(() => undefined)]), go: () => child.stdin.end('go\n'), done };
}

