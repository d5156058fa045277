/**
 * @module worker/outcomes/batch-progress
 * Counts a finished job against its batch, once per job even if it ran twice (stalled and
 * recovered): the batch record's `completed`/`failed` drive `GET /v1/batches/:id`.
 */
import type { Redis } from 'ioredis';
import { BATCH_TTL_SECONDS, batchDoneKey, batchKey, RECORD_BATCH_OUTCOME_LUA } from '../../../shared/batch-keys.ts';

export type BatchOutcome = 'completed' | 'failed';

export async function recordBatchOutcome(redis: Redis, prefix: string, batchId: string, jobId: string, outcome: BatchOutcome): Promise<boolean> {
  const counted = await redis.eval(RECORD_BATCH_OUTCOME_LUA, 2, batchKey(prefix, batchId), batchDoneKey(prefix, batchId), jobId, outcome, BATCH_TTL_SECONDS);
  return counted === 1;
}
