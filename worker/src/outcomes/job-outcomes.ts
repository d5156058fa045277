/**
 * @module worker/outcomes/job-outcomes
 * What happens when a scrape finishes for good: its batch is counted and its callback queued.
 * Both are idempotent per job id and run (batch done set, callback delivery id), so a job that
 * ran twice, or whose failure is seen both by the worker's `failed` listener and by the
 * failed-job sweeper, has one effect.
 */
import type { Redis } from 'ioredis';
import type { JobData } from '../../../shared/job-schema.ts';
import type { CallbackQueue } from '../callbacks/callback-worker.ts';
import { recordBatchOutcome } from './batch-progress.ts';

export interface JobOutcomesOptions {
  broker: Redis;
  prefix: string;
  callbacks: CallbackQueue;
}

/** What the outcomes need of a job's data; a failed job's data may be invalid, hence partial. */
export type OutcomeData = Partial<Pick<JobData, 'batchId' | 'run' | 'tenant'>> & { request?: { callbackUrl?: string | undefined } };

export interface JobOutcomes {
  completed(jobId: string, data: OutcomeData): Promise<void>;
  /** `batchCounted`: the caller already counted the batch (the sweeper does it in its script). */
  failed(jobId: string, data: OutcomeData | undefined, reason: string, options?: { batchCounted?: boolean }): Promise<void>;
}

export function createJobOutcomes(options: JobOutcomesOptions): JobOutcomes {
  const { broker, prefix, callbacks } = options;
  const run = (data: OutcomeData | undefined) => (typeof data?.run === 'number' ? data.run : 0);
  return {
    async completed(jobId, data) {
      if (data.batchId) await recordBatchOutcome(broker, prefix, data.batchId, jobId, 'completed');
      const callbackUrl = data.request?.callbackUrl;
      if (callbackUrl) await callbacks.enqueue({ jobId, run: run(data), callbackUrl, event: 'job.completed', ...(data.tenant ? { tenant: data.tenant } : {}) });
    },
    async failed(jobId, data, reason, failedOptions = {}) {
      if (data?.batchId && !failedOptions.batchCounted) await recordBatchOutcome(broker, prefix, data.batchId, jobId, 'failed');
      const callbackUrl = data?.request?.callbackUrl;
      if (callbackUrl) await callbacks.enqueue({ jobId, run: run(data), callbackUrl, event: 'job.failed', error: reason.slice(0, 1000), ...(data?.tenant ? { tenant: data.tenant } : {}) });
    },
  };
}
