/**
 * @module dev/local/run-command
 * Runs a long command (debootstrap, an image build) without blocking the event loop, its output
 * streamed to a log (a file for tests, the console for scripts) and its tail kept for the error
 * message, so a failed build says why without a second run.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where stdout and stderr go as they arrive (nothing when omitted). */
  output?: Writable;
  /** Piped to the command's stdin. */
  input?: Readable;
  /** Kill the command (SIGKILL) after this long. */
  timeoutMs?: number;
}

export class CommandFailedError extends Error {
  override name = 'CommandFailedError';
}

const TAIL_BYTES = 4_000;

/** Resolves with the exit code 0; rejects with the last lines of output otherwise. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<void> {
  const { output, input, timeoutMs } = options;
  const spawnOptions: SpawnOptions = { cwd: options.cwd, env: options.env ?? process.env, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] };
  const child = spawn(command, args, spawnOptions);
  let tail = '';
  const keep = (chunk: Buffer) => {
    output?.write(chunk);
    tail = (tail + chunk.toString()).slice(-TAIL_BYTES);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (input) input.pipe(child.stdin!);
  const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new CommandFailedError(`${command}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new CommandFailedError(`${command} ${args.slice(0, 3).join(' ')} … exited with ${signal ?? code}:\n${tail.trim()}`));
    });
  });
}
