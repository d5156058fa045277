/**
 * @module worker/dashboard/views/run-rows
 * What the Batches and crawls view shows: each batch's and crawl's progress from its record in
 * the broker (the counters the edge's GET /v1/batches/:id and GET /v1/crawls/:id read), plus its
 * failed jobs. There is no index of batches or crawls: they are found by a bounded SCAN
 * (scan-keys.ts). Failed jobs are found in the newest entries of the scrape queue's failed set,
 * by job id (`<batchId>-<n>`, `<crawlId>-seed`, `<crawlId>-p<n>`); an item with its own
 * idempotency key has another id and is counted, not listed.
 */
import type { Redis } from 'ioredis';
import { batchKey } from '../../../../shared/batch-keys.ts';
import { crawlKeys, crawlViewOf, type CrawlView } from '../../../../shared/crawls/index.ts';
import { QUEUE_NAME, queueKeys } from '../../../../shared/keys.ts';
import { scanNames, type ScanOptions } from './scan-keys.ts';

/** Newest failed jobs looked at to list each run's failures. */
export const FAILED_WINDOW = 1000;
/** Failures listed per run. */
export const FAILURES_SHOWN = 10;

export interface FailedJob {
  jobId: string;
  reason: string;
}

export interface BatchRow {
  batchId: string;
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  done: number;
  createdAt: number;
  failures: FailedJob[];
}

export interface CrawlRow {
  crawl: CrawlView;
  done: number;
  failures: FailedJob[];
}

/** Job-style ids, tenant-tagged (`<tag>.<id>`) or not (edge/src/jobs/enqueue/job-id.ts); no `:`, so a record's sub-keys are skipped. */
const ID = /^[A-Za-z0-9_.-]{1,100}$/;
const literal = (id: string) => id.replace(/\./g, '\\.');

export async function findBatches(broker: Redis, prefix: string, options?: ScanOptions) {
  return scanNames(broker, `${prefix}:batch:`, (rest) => (ID.test(rest) ? rest : undefined), options);
}

export async function findCrawls(broker: Redis, prefix: string, options?: ScanOptions) {
  return scanNames(broker, `${prefix}:crawl:`, (rest) => (ID.test(rest) ? rest : undefined), options);
}

/** The newest failed job ids of the scrape queue with their reasons, for `failuresOf`. */
export async function recentFailures(broker: Redis, prefix: string): Promise<FailedJob[]> {
  const keys = queueKeys(prefix, QUEUE_NAME);
  const ids = await broker.zrevrange(keys.key('failed'), 0, FAILED_WINDOW - 1);
  if (ids.length === 0) return [];
  const pipeline = broker.pipeline();
  for (const id of ids) pipeline.hget(keys.job(id), 'failedReason');
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((jobId, index) => ({ jobId, reason: String(replies[index]?.[1] ?? '') }));
}

function failuresOf(failed: FailedJob[], pattern: RegExp): FailedJob[] {
  return failed.filter((job) => pattern.test(job.jobId)).slice(0, FAILURES_SHOWN);
}

export async function readBatchRows(broker: Redis, prefix: string, batchIds: string[], failed: FailedJob[]): Promise<BatchRow[]> {
  const pipeline = broker.pipeline();
  for (const id of batchIds) pipeline.hgetall(batchKey(prefix, id));
  const replies = (await pipeline.exec()) ?? [];
  return batchIds.flatMap((batchId, index) => {
    const record = (replies[index]?.[1] ?? {}) as Record<string, string>;
    if (Object.keys(record).length === 0) return [];
    const num = (name: string) => Number(record[name] ?? 0);
    const [completed, failedCount, cancelled] = [num('completed'), num('failed'), num('cancelled')];
    return [{
      batchId, total: num('total'), completed, failed: failedCount, cancelled, done: completed + failedCount + cancelled,
      createdAt: num('createdAt'), failures: failuresOf(failed, new RegExp(`^${literal(batchId)}-\\d+$`)),
    }];
  });
}

export async function readCrawlRows(broker: Redis, prefix: string, crawlIds: string[], failed: FailedJob[]): Promise<CrawlRow[]> {
  const pipeline = broker.pipeline();
  for (const id of crawlIds) {
    const keys = crawlKeys(prefix, id);
    pipeline.hgetall(keys.record).scard(keys.inflight);
  }
  const replies = (await pipeline.exec()) ?? [];
  return crawlIds.flatMap((crawlId, index) => {
    const hash = replies[index * 2]?.[1] as Record<string, string> | undefined;
    const crawl = crawlViewOf(hash ?? {}, Number(replies[index * 2 + 1]?.[1] ?? 0));
    if (!crawl) return [];
    return [{ crawl, done: crawl.completed + crawl.failed + crawl.cancelled, failures: failuresOf(failed, new RegExp(`^${literal(crawlId)}-(seed|p\\d+)$`)) }];
  });
}
