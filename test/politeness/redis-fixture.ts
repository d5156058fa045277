/**
 * @module test/politeness/redis-fixture
 * One real redis-server per suite, a client, a fresh key prefix per test and key cleanup.
 */
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';

export interface RedisFixture {
  server: RedisServer;
  redis: Redis;
  /** A new `{…}` prefix: tests never see each other's keys. */
  prefix(): string;
  /** Deletes every key under the prefixes handed out so far. */
  cleanup(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisFixture(name: string): Promise<RedisFixture> {
  const server = await startRedisServer({ appendOnly: false });
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const prefixes: string[] = [];
  return {
    server,
    redis,
    prefix() {
      const prefix = `{${name}-${prefixes.length + 1}}`;
      prefixes.push(prefix);
      return prefix;
    },
    async cleanup() {
      for (const prefix of prefixes.splice(0)) {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
      }
    },
    async stop() {
      redis.disconnect();
      await server.dispose();
    },
  };
}
