/**
 * @module worker/callbacks/callback-payload
 * What a result callback carries: the job's final outcome, signed like webhook triggers
 * (`Quarry-Signature: t=<unix>,v1=<hex>` over `t.body`).
 */
import type { CrawlEvent } from '../../../shared/crawls/crawl-request.ts';
import type { CrawlPageRecord, CrawlView } from '../../../shared/crawls/crawl-record.ts';
import type { JobResult } from '../../../shared/job-result.ts';

/** What a crawl event carries (worker/src/crawls/crawl-callbacks.ts). */
export interface CrawlCallbackData {
  id: string;
  /** `crawl.page`: the page's record; its result (completed pages) is read from the result store. */
  page?: CrawlPageRecord;
  /** `crawl.completed` / `crawl.failed`: the crawl's counts when it ended. */
  view?: CrawlView;
}

/** Data of a delivery job in the callbacks queue (the result itself is read from the result store). */
export interface CallbackJobData {
  /** The scrape job; for crawl events the crawl (`crawl.page`: the page's job). */
  jobId: string;
  /** The scrape's run (`JobData.run`, 0 until a manual retry); absent in deliveries queued before runs existed. */
  run?: number;
  callbackUrl: string;
  event: 'job.completed' | 'job.failed' | CrawlEvent;
  /** For `job.failed`: the final failure reason. */
  error?: string;
  /** The scrape job's tenant: picks the signing secret (QUARRY_CALLBACK_SECRETS). */
  tenant?: string;
  /** Crawl events only. */
  crawl?: CrawlCallbackData;
}

export interface CallbackBody {
  event: CallbackJobData['event'];
  jobId: string;
  /** Crawl events: the crawl's id, and the page (`crawl.page`) or the crawl's counts (completed, failed). */
  crawlId?: string;
  page?: CrawlPageRecord & { result?: JobResult };
  crawl?: CrawlView;
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
export function callbackDeliveryId(data: Pick<CallbackJobData, 'jobId' | 'run' | 'event' | 'crawl'>): string {
  // A crawl's events: one per crawl (started, completed, failed) and one per page.
  if (data.event.startsWith('crawl.')) {
    const crawlId = data.crawl?.id ?? data.jobId;
    return data.event === 'crawl.page' ? `cb-${crawlId}-p${data.crawl?.page?.n ?? 0}-page` : `cb-${crawlId}-${data.event.slice(6)}`;
  }
  return `cb-${data.jobId}-${data.run ?? 0}-${data.event === 'job.completed' ? 'completed' : 'failed'}`;
}
