/**
 * @module test/support/broker-stack
 * A broker Redis and a result-store Redis, each behind the local Upstash-compatible REST
 * server: what the edge talks to in tests and benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { startRestServer, type RestServerHandle } from '../../dev/rest-server/index.ts';

export interface BrokerStack {
  broker: { redis: RedisServer; rest: RestServerHandle };
  results: { redis: RedisServer; rest: RestServerHandle };
  stop(): Promise<void>;
}

export async function startBrokerStack(): Promise<BrokerStack> {
  const token = randomBytes(16).toString('hex');
  const brokerRedis = await startRedisServer({ maxmemoryPolicy: 'noeviction' });
  const resultsRedis = await startRedisServer({ maxmemoryPolicy: 'allkeys-lru', appendOnly: false });
  const brokerRest = await startRestServer({ redisUrl: brokerRedis.url, token, port: 0 });
  const resultsRest = await startRestServer({ redisUrl: resultsRedis.url, token, port: 0 });
  return {
    broker: { redis: brokerRedis, rest: brokerRest },
    results: { redis: resultsRedis, rest: resultsRest },
    async stop() {
      await Promise.allSettled([brokerRest.close(), resultsRest.close()]);
      await Promise.allSettled([brokerRedis.dispose(), resultsRedis.dispose()]);
    },
  };
}
