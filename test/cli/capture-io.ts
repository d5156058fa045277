/**
 * @module test/cli/capture-io
 * Runs the CLI in-process with captured stdout/stderr and a chosen environment.
 */
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../cli/main.ts';
import type { CliIo } from '../../cli/io.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } });
  return { stream, text: () => chunks.join('') };
}

/** `env` replaces the process environment entirely, so the developer's QUARRY_* never leak in. */
export async function run(argv: string[], options: { env?: Record<string, string>; stdin?: string; io?: Partial<CliIo> } = {}): Promise<CliRun> {
  const out = capture();
  const err = capture();
  const code = await runCli(argv, {
    stdout: out.stream, stderr: err.stream, stdin: Readable.from([options.stdin ?? '']), env: options.env ?? {}, pollIntervalMs: 50, ...options.io,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}
