/**
 * @module worker/result-store
 * Writes and reads job results in the result-store Redis: one JSON value per job id with a TTL,
 * so a retried job overwrites its earlier result instead of adding another.
 */
import type { Redis } from 'ioredis';
import { storedResultSchema, type StoredResult } from '../../shared/job-result.ts';
import { resultKey } from '../../shared/keys.ts';
import { resultJson } from './result-json.ts';

export interface ResultStoreOptions {
  /** Lazily used client of the result-store Redis (not the broker's). */
  client: Redis;
  /** Key prefix, the same as the queue's (`resultKey(prefix, jobId)`). */
  prefix: string;
  /** Lifetime of each result, in seconds. */
  ttlSeconds: number;
}

export interface ResultStore {
  /** One `SET key json EX ttl`. */
  put(jobId: string, result: StoredResult): Promise<void>;
  /** The stored result, or null when absent or expired. */
  get(jobId: string): Promise<StoredResult | null>;
  /** Seconds left before the result expires (-2 when absent). */
  ttl(jobId: string): Promise<number>;
}

export function createResultStore(options: ResultStoreOptions): ResultStore {
  const { client, prefix, ttlSeconds } = { ...options };
  return {
    async put(jobId, result) {
      await client.set(resultKey(prefix, jobId), resultJson(result), 'EX', ttlSeconds);
    },
    async get(jobId) {
      const json = await client.get(resultKey(prefix, jobId));
      return json === null ? null : storedResultSchema.parse(JSON.parse(json));
    },
    ttl: (jobId) => client.ttl(resultKey(prefix, jobId)),
  };
}
