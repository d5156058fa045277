/**
 * @module worker/effects/result-effect
 * Stores a completed job's result under its job id (one `SET EX` in the result store; a run
 * that stores again overwrites), and recalls it: a result already under the id means an earlier
 * run fetched the page and stored it, then died or failed before BullMQ recorded the finish (a
 * SIGKILL, a broker restart), so the pipeline finishes from it instead of fetching the page
 * again. Only successes store results, so a job retried after a failure never recalls one.
 */
import type { StoredResult } from '../../../shared/job-result.ts';
import type { ResultStore } from '../result-store.ts';
import { defineEffect } from './define-effect.ts';

export function resultEffect(store: ResultStore) {
  return defineEffect({
    name: 'result',
    async completed({ jobId }, { result, fromEarlierRun }) {
      if (!fromEarlierRun) await store.put(jobId, result);
    },
    /** One GET: a miss (every first run) costs what an EXISTS would, and a hit needs the value. */
    recall(jobId: string): Promise<StoredResult | null> {
      return store.get(jobId);
    },
  });
}
