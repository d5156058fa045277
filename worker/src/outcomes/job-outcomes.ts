/**
 * @module worker/outcomes/job-outcomes
 * What happens when a scrape finishes for good: its batch is counted and its callback queued.
 * Both are idempotent per job id, so a job that ran twice has one effect.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobData } from '../../../shared/job-schema.ts';
import type { CallbackQueue } from '../callbacks/callback-worker.ts';
import { recordBatchOutcome } from './batch-progress.ts';

export interface JobOutcomesOptions {
  broker: Redis;
  prefix: string;
  callbacks: CallbackQueue;
}

export interface JobOutcomes {
  completed(job: Job, data: JobData): Promise<void>;
  failed(job: Job, error: Error): Promise<void>;
}

export function createJobOutcomes(options: JobOutcomesOptions): JobOutcomes {
  const { broker, prefix, callbacks } = options;
  return {
    async completed(job, data) {
      if (data.batchId) await recordBatchOutcome(broker, prefix, data.batchId, job.id!, 'completed');
      if (data.request.callbackUrl) await callbacks.enqueue({ jobId: job.id!, callbackUrl: data.request.callbackUrl, event: 'job.completed', ...(data.tenant ? { tenant: data.tenant } : {}) });
    },
    async failed(job, error) {
      const data = job.data as Partial<JobData> | undefined;
      if (data?.batchId) await recordBatchOutcome(broker, prefix, data.batchId, job.id!, 'failed');
      const callbackUrl = data?.request?.callbackUrl;
      if (callbackUrl) await callbacks.enqueue({ jobId: job.id!, callbackUrl, event: 'job.failed', error: error.message.slice(0, 1000), ...(data?.tenant ? { tenant: data.tenant } : {}) });
    },
  };
}
