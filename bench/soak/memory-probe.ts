/**
 * @module bench/soak/memory-probe
 * What the broker and the result store hold: `used_memory` (INFO memory), `MEMORY USAGE` of
 * sampled keys, the events stream's length and the queue's key census, read at each phase of
 * the soak so "bounded" is a measured statement.
 */
import type { Redis } from 'ioredis';
import { queueKeys } from '../../shared/keys.ts';
import { percentile } from '../measure/latency.ts';

export async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

/** Median `MEMORY USAGE … SAMPLES 0` (every field counted) over the keys that exist; null when none. */
export async function medianKeyBytes(client: Redis, keys: readonly string[]): Promise<number | null> {
  const sizes: number[] = [];
  for (const key of keys) {
    const bytes = (await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
    if (bytes !== null) sizes.push(bytes);
  }
  if (sizes.length === 0) return null;
  return percentile(sizes.sort((a, b) => a - b), 50);
}

export interface BrokerSnapshot {
  usedMemory: number;
  /** Every key in the broker. */
  keys: number;
  /** Job hashes (`<prefix>:scrape:<id>`) still stored. */
  jobHashes: number;
  eventsLength: number;
  eventsBytes: number | null;
  completed: number;
  failed: number;
  /** `opts.maxLenEvents` in the queue's meta hash. */
  maxLenEvents: string | null;
}

/** Counts job hashes with SCAN: ids are UUIDs (the edge's style), other queue keys have a known suffix. */
async function countJobHashes(client: Redis, prefix: string): Promise<number> {
  const { base } = queueKeys(prefix);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 2000);
    cursor = next;
    count += keys.filter((key) => uuid.test(key.slice(base.length))).length;
  } while (cursor !== '0');
  return count;
}

export async function brokerSnapshot(client: Redis, prefix: string): Promise<BrokerSnapshot> {
  const keys = queueKeys(prefix);
  const [used, dbsize, jobHashes, eventsLength, eventsBytes, completed, failed, maxLenEvents] = await Promise.all([
    usedMemory(client), client.dbsize(), countJobHashes(client, prefix), client.xlen(keys.key('events')),
    medianKeyBytes(client, [keys.key('events')]), client.zcard(keys.key('completed')), client.zcard(keys.key('failed')),
    client.hget(keys.key('meta'), 'opts.maxLenEvents'),
  ]);
  return { usedMemory: used, keys: dbsize, jobHashes, eventsLength, eventsBytes, completed, failed, maxLenEvents };
}
