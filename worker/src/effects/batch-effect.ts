/**
 * @module worker/effects/batch-effect
 * Counts a finished job against its batch, once per job even if it ran twice (stalled and
 * recovered): the batch record's `completed`/`failed` drive `GET /v1/batches/:id`. One EVAL per
 * finished job that belongs to a batch (none for other jobs).
 */
import type { Redis } from 'ioredis';
import { BATCH_TTL_SECONDS, batchDoneKey, batchKey, RECORD_BATCH_OUTCOME_LUA } from '../../../shared/batch-keys.ts';
import { defineEffect } from './define-effect.ts';

export type BatchOutcome = 'completed' | 'failed';

export async function recordBatchOutcome(redis: Redis, prefix: string, batchId: string, jobId: string, outcome: BatchOutcome): Promise<boolean> {
  const counted = await redis.eval(RECORD_BATCH_OUTCOME_LUA, 2, batchKey(prefix, batchId), batchDoneKey(prefix, batchId), jobId, outcome, BATCH_TTL_SECONDS);
  return counted === 1;
}

export function batchEffect(broker: Redis, prefix: string) {
  return defineEffect({
    name: 'batch',
    async completed({ jobId, data }) {
      if (data?.batchId) await recordBatchOutcome(broker, prefix, data.batchId, jobId, 'completed');
    },
    async failed({ jobId, data }, { batchCounted }) {
      if (data?.batchId && !batchCounted) await recordBatchOutcome(broker, prefix, data.batchId, jobId, 'failed');
    },
  });
}
