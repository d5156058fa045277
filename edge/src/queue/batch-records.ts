/**
 * @module edge/queue/batch-records
 * Reading a batch's progress: one HGETALL of the record the edge wrote and workers update.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { batchKey } from '../../../shared/batch-keys.ts';
import { hashReplyToRecord } from '../../../shared/hash-reply.ts';

export interface BatchView {
  batchId: string;
  total: number;
  deduplicated: number;
  completed: number;
  failed: number;
  /** Not yet finished: waiting, delayed, active or retrying. */
  pending: number;
  /** Finished share, 0–100. */
  progress: number;
  state: 'running' | 'finished';
  createdAt: string;
}

export async function readBatch(redis: Redis, prefix: string, batchId: string): Promise<BatchView | undefined> {
  const record = hashReplyToRecord(await redis.hgetall(batchKey(prefix, batchId)));
  if (Object.keys(record).length === 0) return undefined;
  const num = (name: string) => Number(record[name] ?? 0);
  const total = num('total');
  const finished = num('completed') + num('failed');
  return {
    batchId,
    total,
    deduplicated: num('deduplicated'),
    completed: num('completed'),
    failed: num('failed'),
    pending: Math.max(0, total - finished),
    progress: total === 0 ? 100 : Math.floor((finished / total) * 1000) / 10,
    state: finished >= total ? 'finished' : 'running',
    createdAt: new Date(num('createdAt')).toISOString(),
  };
}
