/**
 * @module cli/context
 * What every command action gets: the io, a client built from the global flags, and a way to
 * set the exit code (commander ignores action return values).
 */
import type { Command } from 'commander';
import { QuarryClient } from './client.ts';
import { resolveConnection, type ConnectionFlags } from './config.ts';
import type { CliIo } from './io.ts';

export interface CommandContext {
  io: CliIo;
  /** Resolves endpoint and key from the global flags and env; throws MissingApiKeyError. */
  client(command: Command): QuarryClient;
  setExitCode(code: number): void;
}

export function createContext(io: CliIo, setExitCode: (code: number) => void): CommandContext {
  return {
    io,
    setExitCode,
    client(command) {
      const connection = resolveConnection(command.optsWithGlobals<ConnectionFlags>(), io.env);
      return new QuarryClient({ ...connection, ...(io.fetch ? { fetch: io.fetch } : {}) });
    },
  };
}

/** Writes a value as JSON (for `--json`), one document per call. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
