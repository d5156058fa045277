/**
 * @module worker/redis-connection
 * ioredis clients for the broker and the result store that reconnect forever and log outages
 * once (not once per retry): a Redis restart must never stop a worker.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { CountingRedis, type CommandListener } from './metrics/counting-redis.ts';

export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Shown in `CLIENT LIST` and in logs, e.g. `quarry-worker:broker`. */
  name: string;
  logger?: Logger;
  /**
   * Commands retried this many times across reconnects before failing; null waits forever
   * (BullMQ requires null for the broker, whose blocking commands must survive a restart).
   */
  maxRetriesPerRequest?: number | null;
  /** Connect on first command instead of at once. */
  lazyConnect?: boolean;
  /** Longest pause between reconnection attempts, in milliseconds. */
  maxReconnectDelayMs?: number;
  /** Counts every command this client and its duplicates send (metrics); nothing is counted when omitted. */
  onCommand?: CommandListener;
  /** The `onCommand` label of this client, e.g. `broker`; its BullMQ blocking duplicates report `blocking`. */
  role?: string;
}

/** Passwords never reach a log line. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'redis://(unparseable)';
  }
}

export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const { url, name, logger, maxRetriesPerRequest = null, lazyConnect = false, maxReconnectDelayMs = 2_000, onCommand, role = name } = { ...options };
  const redisOptions: RedisOptions = {
    connectionName: name,
    maxRetriesPerRequest,
    lazyConnect,
    // Quick first retries (a restart takes ~100 ms), then a steady pace; never give up.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxReconnectDelayMs),
  };
  const client = onCommand ? new CountingRedis(url, redisOptions, { role, onCommand }) : new Redis(url, redisOptions);
  const log = logger?.child({ redis: name, url: redactRedisUrl(url) });
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log?.warn({ err: error.message }, 'redis connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log?.info('redis connection restored');
  });
  return client;
}

/** QUIT, or drop the socket when the server is gone (QUIT would wait for a reconnect). */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') return void client.disconnect();
  await client.quit().catch(() => client.disconnect());
}
