/**
 * @module bench/setup/child
 * Child processes of the bench: spawn with captured output, wait for a line, and stop the whole
 * tree (SIGTERM to the root, then SIGKILL to any descendant still alive after a grace period),
 * so Celery's pool processes and Chromium's renderers never outlive a run.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { processTree } from '../measure/proc-tree.ts';

export interface BenchChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The last ~8 KB of stdout and stderr, for error messages. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (stdout or stderr). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves when the root has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM the root, wait up to `graceMs`, then SIGKILL whatever of the tree is left. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

export function spawnChild(command: string, args: string[], options: SpawnOptions = {}): BenchChild {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8192);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const isAlive = () => child.exitCode === null && child.signalCode === null;
  return {
    process: child,
    pid: child.pid!,
    output: () => output,
    exited,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) return finish(() => resolve(match));
          if (!isAlive()) return finish(() => reject(new Error(`${command} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}: ${output.slice(-1500)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${command} did not print ${pattern} within ${timeoutMs} ms: ${output.slice(-1500)}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', check);
          settle();
        };
        listeners.add(check);
        child.once('exit', check);
        check();
      });
    },
    stop: (graceMs = 10_000, signal = 'SIGTERM') => stopProcessTree(child.pid!, async () => {
      if (isAlive()) child.kill(signal);
      await exited;
    }, graceMs),
  };
}

/**
 * Stops a process and everything it started: `graceful` (a signal, a drain) gets `graceMs`;
 * then every descendant seen before or since, still alive, gets SIGKILL.
 */
export async function stopProcessTree(pid: number, graceful: () => Promise<unknown>, graceMs: number): Promise<void> {
  const tree = processTree([pid]);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([graceful().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const leftover of new Set([...processTree(tree), ...tree])) {
    try {
      process.kill(leftover, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
