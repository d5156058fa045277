/**
 * @module worker/callbacks/callback-payload
 * What a result callback carries: the job's final outcome, signed like webhook triggers
 * (`Quarry-Signature: t=<unix>,v1=<hex>` over `t.body`).
 */
import type { JobResult } from '../../../shared/job-result.ts';

/** Data of a delivery job in the callbacks queue (the result itself is read from the result store). */
export interface CallbackJobData {
  jobId: string;
  /** The scrape's run (`JobData.run`, 0 until a manual retry); absent in deliveries queued before runs existed. */
  run?: number;
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

/**
 * One delivery per scrape job, run and event: a run that re-executes (stalled, recovered) maps
 * to the same id and cannot call back twice, while a manual retry is a new run whose
 * completion is delivered even though the failed run was called back. Also sent as the
 * `Quarry-Delivery` header, so receivers can deduplicate on it.
 */
export function callbackDeliveryId(data: Pick<CallbackJobData, 'jobId' | 'run' | 'event'>): string {
  return `cb-${data.jobId}-${data.run ?? 0}-${data.event === 'job.completed' ? 'completed' : 'failed'}`;
}
