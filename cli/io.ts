/**
 * @module cli/io
 * The process streams and environment the CLI runs with, injectable so tests run it in-process.
 */
import type { Readable } from 'node:stream';

/** An output stream; `isTTY` decides between a progress bar / colors and plain lines. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Read by `quarry enqueue -`. */
  stdin: Readable;
  /** Where QUARRY_URL, QUARRY_API_KEY and NO_COLOR are read. */
  env: Record<string, string | undefined>;
  /** HTTP transport; tests may stub it. Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Pause between batch polls with `--wait`, in milliseconds (default 1000). */
  pollIntervalMs?: number;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Colors only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIo): boolean {
  return io.stdout.isTTY === true && !io.env.NO_COLOR;
}
