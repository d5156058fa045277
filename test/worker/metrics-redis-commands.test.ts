/**
 * quarry_redis_commands_total counts what reaches Redis: on a quiet redis-server, the commands a
 * counting client and its duplicates send (plain, pipelined, MULTI/EXEC, blocking) match the
 * server's own count; BullMQ's duplicates are labelled blocking or broker.
 *
 * Redis's count is INFO commandstats (calls) plus INFO errorstats: ioredis sends CLIENT SETINFO on
 * connect, which Redis < 7.2 rejects as an unknown subcommand, and a rejected command shows up only
 * as an error. (commandstats also counts commands run inside Lua scripts, so the comparison holds
 * only for script-free traffic like this; no command here fails, which errorstats would count twice.)
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { CountingRedis } from '../../worker/src/metrics/counting-redis.ts';
import { closeRedis, createRedisConnection } from '../../worker/src/redis-connection.ts';
import { testPrefix } from './harness.ts';

let server: RedisServer;
let observer: Redis;

beforeAll(async () => {
  server = await startRedisServer({ appendOnly: false });
  observer = new Redis(server.url);
  await observer.ping();
});
afterAll(async () => {
  observer?.disconnect();
  await server?.dispose();
});

/** Commands the server ran or rejected; this INFO itself is counted only by the next one. */
async function serverCalls(): Promise<number> {
  const text = await observer.info('all');
  const sum = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((total, match) => total + Number(match[1]), 0);
  return sum(/^cmdstat_[^:]+:calls=(\d+)/gm) + sum(/^errorstat_[^:]+:count=(\d+)/gm);
}

function tally() {
  const counts = new Map<string, number>();
  return {
    counts,
    onCommand: (role: string) => counts.set(role, (counts.get(role) ?? 0) + 1),
    total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
  };
}

describe('counting Redis client', () => {
  it('counts what Redis counts, duplicates included', async () => {
    const seen = tally();
    const before = await serverCalls();
    const client = createRedisConnection({ url: server.url, name: 'test:broker', role: 'broker', onCommand: seen.onCommand });
    const key = `${testPrefix()}:k`;
    await client.set(key, '1');
    await client.get(key);
    await client.pipeline().incr(key).incr(key).get(key).exec();
    await client.multi().incr(key).get(key).exec();
    // An unnamed duplicate keeps the role; a named one is how BullMQ makes its blocking client.
    const plain = client.duplicate();
    await plain.exists(key);
    const blocking = client.duplicate({ connectionName: 'bull:blocking' });
    expect(await blocking.bzpopmin(`${key}:empty`, 0.01)).toBeNull();
    await client.del(key);
    for (const c of [plain, blocking, client]) c.disconnect();
    // One INFO of the observer (the first one) is in the delta as well.
    const delta = (await serverCalls()) - before - 1;

    expect(client).toBeInstanceOf(CountingRedis);
    expect(seen.counts.get('blocking')).toBeGreaterThanOrEqual(2); // handshake + BZPOPMIN
    expect(seen.counts.get('broker')).toBeGreaterThanOrEqual(12);
    expect(seen.total(), 'commands counted vs processed by Redis').toBe(delta);
  });

  it('counts commands held while disconnected once, when they are sent', async () => {
    const seen = tally();
    const client = new CountingRedis(server.url, { lazyConnect: true, enableReadyCheck: false }, { role: 'broker', onCommand: seen.onCommand });
    const before = await serverCalls();
    // Issued before the socket exists: queued offline, then written on connect.
    await Promise.all([client.ping(), client.ping(), client.ping()]);
    client.disconnect();
    const delta = (await serverCalls()) - before - 1;
    expect(seen.total()).toBe(delta);
  });

  it('labels the commands of a BullMQ worker given the connection: broker and blocking', async () => {
    const seen = tally();
    const prefix = testPrefix();
    const connection = createRedisConnection({ url: server.url, name: 'test:bullmq', role: 'broker', onCommand: seen.onCommand });
    const queue = new Queue('scrape', { connection, prefix });
    const worker = new Worker('scrape', async () => 'done', { connection, prefix });
    const job = await queue.add('http', {});
    await waitFor(async () => (await queue.getJobState(job.id!)) === 'completed', { description: 'job completed' });
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await closeRedis(connection);
    expect(seen.counts.get('broker')).toBeGreaterThan(3);
    expect(seen.counts.get('blocking')).toBeGreaterThan(0);
  });
});
