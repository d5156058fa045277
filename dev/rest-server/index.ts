/**
 * @module dev/rest-server
 * A local Upstash-compatible REST server in front of a real redis-server, for `npm start`,
 * tests, benchmarks and the compose stack (production talks to a real Upstash database).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenCheck } from './auth.ts';
import { silentLogger, type RestServerLogger } from './logger.ts';
import { createRedisConnection } from './redis-connection.ts';
import { createRequestHandler } from './server.ts';
import { createStats, type RestServerStats } from './stats.ts';

export type { RestServerLogger } from './logger.ts';
export type { RestServerStats, RouteName, RouteStats } from './stats.ts';
export { encodeReply, type JsonReply, type RedisReply, type ReplyEncoding } from './encoding.ts';
export { refusalReason, type RedisCommand } from './command-policy.ts';
export { HEALTH_PATH, STATS_PATH, STATS_RESET_PATH } from './server.ts';

export interface RestServerOptions {
  /** Redis to front, e.g. `redis://127.0.0.1:6379`. Need not be up yet: requests get 503 until it is. */
  redisUrl: string;
  /** The bearer token clients must send (`UPSTASH_REDIS_REST_TOKEN` on their side). */
  token: string;
  /** TCP port; 0 picks a free one (read it from the handle). */
  port?: number;
  /** Interface to bind; loopback unless a container needs `0.0.0.0`. */
  host?: string;
  /** Bodies above this many bytes get 413 (Upstash's free tier stops at 10 MB). */
  maxBodyBytes?: number;
  /** Longest a command may wait for Redis, offline queue included, before the request gets 503. */
  commandTimeoutMs?: number;
  /** Batch single commands of the same event-loop turn into one socket write. */
  batching?: boolean;
  /** Deadline of the health route's PING. */
  healthTimeoutMs?: number;
  /** Defaults to silence. */
  logger?: RestServerLogger;
}

export interface RestServerHandle {
  /** Base URL for `new Redis({ url, token })`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Counters since the start or the last reset. */
  stats(): RestServerStats;
  resetStats(): void;
  /** Stops accepting, drops keep-alive connections and closes the Redis connection. */
  close(): Promise<void>;
}

const DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  maxBodyBytes: 16 * 1024 * 1024,
  commandTimeoutMs: 5_000,
  batching: true,
  healthTimeoutMs: 1_000,
  logger: silentLogger,
};

export async function startRestServer(options: RestServerOptions): Promise<RestServerHandle> {
  const config = { ...DEFAULTS, ...definedOnly(options) };
  const checkToken = createTokenCheck(config.token);
  const stats = createStats();
  const redis = createRedisConnection({
    url: config.redisUrl,
    commandTimeoutMs: config.commandTimeoutMs,
    batching: config.batching,
    logger: config.logger,
  });
  const server = createServer(createRequestHandler({
    redis,
    stats,
    checkToken,
    maxBodyBytes: config.maxBodyBytes,
    healthTimeoutMs: config.healthTimeoutMs,
    logger: config.logger,
  }));
  // Clients keep connections alive between commands; outlive their idle timeouts (undici: 4 s).
  server.keepAliveTimeout = 10_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await redis.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${connectableHost(config.host)}:${port}`;
  config.logger.info({ url, redisUrl: config.redisUrl }, 'rest server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    token: config.token,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await redis.close();
      })();
      return closing;
    },
  };
}

/** A wildcard bind is reached through loopback; IPv6 literals need brackets in a URL. */
function connectableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** `{ port: undefined }` must not override a default with undefined. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
