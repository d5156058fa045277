/**
 * @module bench/setup/redis-client
 * ioredis clients of the harness itself. Connection errors surface as rejected commands where
 * they matter; the 'error' events ioredis also emits (e.g. while Ctrl-C stops the servers
 * under it) are only noise, so they are swallowed here.
 */
import { Redis, type RedisOptions } from 'ioredis';

export function benchRedis(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, options);
  client.on('error', () => undefined);
  return client;
}
