/**
 * @module edge/batches/batch-records
 * Reading a batch's progress: one HGETALL of the record the edge's add-job script and the
 * workers update (field meanings in shared/batch-keys.ts).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { batchKey } from '../../../shared/batch-keys.ts';
import { hashReplyToRecord } from '../../../shared/hash-reply.ts';

export type BatchState = 'incomplete' | 'running' | 'finished';

export interface BatchView {
  batchId: string;
  /** Items the batch was submitted with. */
  items: number;
  /** Items that created a job: completed + failed + cancelled + pending. */
  total: number;
  /** Child jobs the batch's tasks added (ctx.enqueue); in `total`, not in `items`. */
  children: number;
  /** Items that matched an existing job (idempotency key or dedupe window); not in `total`. */
  deduplicated: number;
  /** Items not enqueued yet: a POST failed part-way; retrying it with its Idempotency-Key adds them. */
  unaccounted: number;
  completed: number;
  failed: number;
  /** Cancelled with DELETE /v1/jobs/:id before they ran. */
  cancelled: number;
  /** Not yet finished: waiting, delayed, active or retrying. */
  pending: number;
  /** Finished share of `total`, 0–100. */
  progress: number;
  /** `incomplete` while items are unaccounted, then `running` until every job has finished. */
  state: BatchState;
  createdAt: string;
  /** The raw record, for the parts of the view other modules build (the export's state). */
  record: Record<string, string>;
}

export async function readBatch(redis: Redis, prefix: string, batchId: string): Promise<BatchView | undefined> {
  const record = hashReplyToRecord(await redis.hgetall(batchKey(prefix, batchId)));
  if (Object.keys(record).length === 0) return undefined;
  const num = (name: string) => Number(record[name] ?? 0);
  const total = num('total');
  const deduplicated = num('deduplicated');
  const children = num('children');
  const accounted = total - children + deduplicated;
  // Records written before `items` existed were complete once written.
  const items = record.items === undefined ? accounted : num('items');
  const finished = num('completed') + num('failed') + num('cancelled');
  const unaccounted = Math.max(0, items - accounted);
  return {
    batchId,
    items,
    total,
    children,
    deduplicated,
    unaccounted,
    completed: num('completed'),
    failed: num('failed'),
    cancelled: num('cancelled'),
    pending: Math.max(0, total - finished),
    progress: total === 0 ? (unaccounted > 0 ? 0 : 100) : Math.floor((finished / total) * 1000) / 10,
    state: unaccounted > 0 ? 'incomplete' : finished >= total ? 'finished' : 'running',
    createdAt: new Date(num('createdAt')).toISOString(),
    record,
  };
}
