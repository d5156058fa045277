/**
 * @module dev/local/redis-server
 * Starts a real `redis-server` on a loopback port with its own data directory (for the local
 * stack, tests and benchmarks), and stops or restarts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { freePort } from './free-port.ts';
import { waitFor } from './wait-for.ts';

export interface RedisServerOptions {
  /** TCP port; a free one when omitted. */
  port?: number;
  /** Data directory (AOF lives here); a fresh temp dir when omitted. */
  dir?: string;
  /** Append-only file with `appendfsync everysec`, so a restart keeps accepted jobs. */
  appendOnly?: boolean;
  /** `noeviction` for a broker (never drop a job), `allkeys-lru` or similar for a result cache. */
  maxmemoryPolicy?: string;
  /** Passed as `--maxmemory`, e.g. `256mb`; unlimited when omitted. */
  maxmemory?: string;
  /** redis-server binary. */
  binary?: string;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly process: () => ChildProcess;
  /** SIGTERM and wait for exit (an AOF is flushed on a clean shutdown). */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no final flush. */
  kill(): Promise<void>;
  /** Start again on the same port and data dir. */
  start(): Promise<void>;
  /** Stop and delete the data dir when this module created it (a temp dir). */
  dispose(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => { socket.destroy(); resolve(data.toString().startsWith('+PONG')); });
  });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const { appendOnly = true, maxmemoryPolicy = 'noeviction', binary = 'redis-server' } = { ...options };
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'quarry-redis-'));
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', appendOnly ? 'yes' : 'no', '--appendfsync', 'everysec',
    '--maxmemory-policy', maxmemoryPolicy, '--daemonize', 'no', '--loglevel', 'warning',
  ];
  if (options.maxmemory) args.push('--maxmemory', options.maxmemory);
  let child: ChildProcess | undefined;

  const exited = (proc: ChildProcess) =>
    new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));

  const start = async () => {
    // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and a
    // Redis that quits at once leaves the workers nothing to drain to (they hang until killed).
    // `npm start` stops it last, after the workers.
    const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
    child = proc;
    proc.once('error', (error) => { throw new Error(`Could not start ${binary}: ${error.message}`); });
    await waitFor(async () => proc.exitCode === null && (await ping(port)), {
      timeoutMs: 15_000,
      description: `redis-server on port ${port}`,
    });
  };
  const signal = async (sig: NodeJS.Signals) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(sig);
    await exited(proc);
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    process: () => child!,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    start,
    async dispose() {
      await signal('SIGTERM');
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
