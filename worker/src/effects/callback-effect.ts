/**
 * @module worker/effects/callback-effect
 * Queues the job's result callback (`callbackUrl`) when it completes or fails for good. The
 * delivery is named by job, run and event (callbacks/callback-worker.ts), so a job that finishes
 * twice in one run is called back once, and a manual retry (run n+1) is called back again.
 */
import { isTaskResult, type StoredResult } from '../../../shared/job-result.ts';
import type { CallbackQueue } from '../callbacks/callback-worker.ts';
import { defineEffect, runOf } from './define-effect.ts';

/** `callbackOn: "change"`: called back only for new, changed and removed pages. */
function quietWithoutChange(callbackOn: string | undefined, result: StoredResult): boolean {
  const status = isTaskResult(result) ? undefined : result.change?.status;
  return callbackOn === 'change' && !['new', 'changed', 'removed'].includes(status ?? '');
}

/** A failure reason longer than this is cut in the callback's body. */
const MAX_REASON_CHARS = 1000;

export function callbackEffect(callbacks: CallbackQueue) {
  return defineEffect({
    name: 'callback',
    async completed({ jobId, data }, { result }) {
      const callbackUrl = data?.request?.callbackUrl;
      if (callbackUrl && !quietWithoutChange(data?.request?.callbackOn, result)) await callbacks.enqueue({ jobId, run: runOf(data), callbackUrl, event: 'job.completed', ...(data?.tenant ? { tenant: data.tenant } : {}) });
    },
    async failed({ jobId, data }, { reason }) {
      const callbackUrl = data?.request?.callbackUrl;
      // A failure is not a change: `callbackOn: "change"` stays quiet.
      if (callbackUrl && data?.request?.callbackOn !== 'change') {
        await callbacks.enqueue({
          jobId, run: runOf(data), callbackUrl, event: 'job.failed', error: reason.slice(0, MAX_REASON_CHARS), ...(data?.tenant ? { tenant: data.tenant } : {}),
        });
      }
    },
  });
}
