/**
 * @module worker/crawls/crawl-events
 * A crawl's callbacks (`crawl.started`, `crawl.page`, `crawl.completed`, `crawl.failed`) through
 * the signed callbacks queue, each under a deterministic delivery id (callbacks/callback-payload.ts:
 * `cb-<crawlId>-started|completed|failed`, `cb-<crawlId>-p<n>-page`), so a worker that does
 * its effects again after a crash queues the same delivery, which BullMQ keeps once.
 */
import { crawlViewOf, type CrawlEvent, type CrawlPageRecord } from '../../../shared/crawls/index.ts';
import type { CallbackQueue } from '../callbacks/callback-worker.ts';
import type { CrawlStore, LoadedCrawl } from './crawl-store.ts';

export interface CrawlEvents {
  started(crawl: LoadedCrawl, tenant: string | undefined): Promise<void>;
  page(crawl: LoadedCrawl, tenant: string | undefined, record: CrawlPageRecord): Promise<void>;
  /** The crawl ended: completed, or failed with `error`. */
  ended(crawl: LoadedCrawl, tenant: string | undefined, event: 'completed' | 'failed', error?: string): Promise<void>;
}

/**
 * `onExportDue`: a crawl with an `export` completed (crawl-advance-14 put it in the due set in
 * that step); the export queue takes it at once instead of at its next sweep.
 */
export function createCrawlEvents(callbacks: CallbackQueue, store: CrawlStore, onExportDue?: (crawlId: string) => Promise<void>): CrawlEvents {
  const wants = (crawl: LoadedCrawl, event: CrawlEvent) => crawl.config.callbackUrl !== undefined && crawl.config.events.includes(event);
  const base = (crawl: LoadedCrawl, tenant: string | undefined, event: CrawlEvent) => ({
    jobId: crawl.config.id, callbackUrl: crawl.config.callbackUrl!, event, ...(tenant ? { tenant } : {}),
  });
  return {
    async started(crawl, tenant) {
      if (wants(crawl, 'crawl.started')) await callbacks.enqueue({ ...base(crawl, tenant, 'crawl.started'), crawl: { id: crawl.config.id } });
    },
    async page(crawl, tenant, record) {
      if (wants(crawl, 'crawl.page')) await callbacks.enqueue({ ...base(crawl, tenant, 'crawl.page'), jobId: record.jobId, crawl: { id: crawl.config.id, page: record } });
    },
    async ended(crawl, tenant, event, error) {
      if (event === 'completed' && crawl.config.export) await onExportDue?.(crawl.config.id);
      const name = event === 'completed' ? 'crawl.completed' : 'crawl.failed';
      if (!wants(crawl, name)) return;
      const view = crawlViewOf(await store.record(crawl.config.id), 0);
      await callbacks.enqueue({
        ...base(crawl, tenant, name), crawl: { id: crawl.config.id, ...(view ? { view } : {}) }, ...(error ? { error: error.slice(0, 1000) } : {}),
      });
    },
  };
}
