/**
 * @module dev/rest-server/main
 * CLI of the local Upstash-compatible REST server: `node dev/rest-server/main.ts --redis-url ...`.
 * Prints one "listening on http://host:port" line when ready; SIGTERM/SIGINT close it cleanly.
 */
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { startRestServer } from './index.ts';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('not a TCP port');
  return port;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('not a positive integer');
  return n;
}

const program = new Command()
  .name('quarry-rest-server')
  .description('Upstash-compatible REST API in front of a redis-server (local dev, tests, compose)')
  .option('--port <port>', 'TCP port (0 = any free port)', parsePort, parsePort(process.env.PORT ?? '8079'))
  .option('--host <host>', 'interface to bind (0.0.0.0 inside a container)', process.env.HOST ?? '127.0.0.1')
  .option('--redis-url <url>', 'Redis to front', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  .option('--token <token>', 'bearer token clients must send (default: $UPSTASH_REDIS_REST_TOKEN)')
  .option('--max-body-bytes <bytes>', 'request body limit (413 above it)', parsePositive, 16 * 1024 * 1024)
  .option('--no-batching', 'send each single command on its own instead of batching one event-loop turn')
  .parse();

interface CliOptions {
  port: number;
  host: string;
  redisUrl: string;
  token?: string;
  maxBodyBytes: number;
  batching: boolean;
}
const opts = program.opts<CliOptions>();
// No default token: a REST front of Redis must never come up open.
const token = opts.token || process.env.UPSTASH_REDIS_REST_TOKEN || missingToken();

function missingToken(): never {
  return program.error('error: set UPSTASH_REDIS_REST_TOKEN or pass --token');
}

// Logs go to stderr so stdout carries only the "listening on" line scripts wait for.
const logger = pino({ name: 'rest-server', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
const handle = await startRestServer({
  redisUrl: opts.redisUrl,
  token,
  port: opts.port,
  host: opts.host,
  maxBodyBytes: opts.maxBodyBytes,
  batching: opts.batching,
  logger,
});
process.stdout.write(`listening on ${handle.url}\n`);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  handle.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: String(error) }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
