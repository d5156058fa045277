/**
 * @module worker/effects/batch-effect
 * Counts a finished job against its batch, once per job even if it ran twice (stalled and
 * recovered): the batch record's `completed`/`failed` drive `GET /v1/batches/:id`. One EVAL per
 * finished job that belongs to a batch (none for other jobs). The job that finishes a batch with
 * an `export` enqueues it (one queue add, once per batch: the script says so only once).
 */
import type { Redis } from 'ioredis';
import { BATCH_TTL_SECONDS, batchDoneKey, batchKey, RECORD_BATCH_OUTCOME_LUA } from '../../../shared/batch-keys.ts';
import { defineEffect } from './define-effect.ts';

export type BatchOutcome = 'completed' | 'failed';

/** 0: counted before (or no batch); 1: counted; 2: counted, and it finished a batch whose export is now due. */
export async function recordBatchOutcome(redis: Redis, prefix: string, batchId: string, jobId: string, outcome: BatchOutcome): Promise<0 | 1 | 2> {
  const counted = await redis.eval(RECORD_BATCH_OUTCOME_LUA, 2, batchKey(prefix, batchId), batchDoneKey(prefix, batchId), jobId, outcome, BATCH_TTL_SECONDS);
  return Number(counted) as 0 | 1 | 2;
}

/** `onExportDue`: the job was the batch's last and the batch asked for an export (worker/src/exports/). */
export function batchEffect(broker: Redis, prefix: string, onExportDue?: (batchId: string) => Promise<void>) {
  const record = async (batchId: string, jobId: string, outcome: BatchOutcome) => {
    if ((await recordBatchOutcome(broker, prefix, batchId, jobId, outcome)) === 2) await onExportDue?.(batchId);
  };
  return defineEffect({
    name: 'batch',
    async completed({ jobId, data }) {
      if (data?.batchId) await record(data.batchId, jobId, 'completed');
    },
    async failed({ jobId, data }, { batchCounted }) {
      if (data?.batchId && !batchCounted) await record(data.batchId, jobId, 'failed');
    },
  });
}
