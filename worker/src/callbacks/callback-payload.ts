/**
 * @module worker/callbacks/callback-payload
 * What a result callback carries: the job's final outcome, signed like webhook triggers
 * (`Quarry-Signature: t=<unix>,v1=<hex>` over `t.body`).
 */
import type { JobResult } from '../../../shared/job-result.ts';

/** Data of a delivery job in the callbacks queue (the result itself is read from the result store). */
export interface CallbackJobData {
  jobId: string;
  callbackUrl: string;
  event: 'job.completed' | 'job.failed';
  /** For `job.failed`: the final failure reason. */
  error?: string;
  /** The scrape job's tenant: picks the signing secret (QUARRY_CALLBACK_SECRETS). */
  tenant?: string;
}

export interface CallbackBody {
  event: CallbackJobData['event'];
  jobId: string;
  /** Whose job it was, so a receiver can refuse callbacks of jobs that are not its tenant's. */
  tenant?: string;
  result?: JobResult;
  error?: string;
  /** When this delivery attempt was made (ISO). */
  sentAt: string;
}

/** Delivery ids are derived from the scrape job, so one scrape can never be called back twice. */
export function callbackDeliveryId(jobId: string): string {
  return `cb-${jobId}`;
}
