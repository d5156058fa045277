/**
 * @module shared/crawls/crawl-keys
 * Where a crawl lives. Broker (never evicted, under the queue prefix's hash tag so the scripts
 * that touch the crawl and its BullMQ jobs stay in one cluster slot):
 *   <prefix>:crawl:<id>              hash: status, counters, config, job templates
 *   <prefix>:crawl:<id>:frontier     list "<depth>|<url>": admitted, no job yet
 *   <prefix>:crawl:<id>:done         bitmap: page n finished
 *   <prefix>:crawl:<id>:inflight     set: page job ids queued or running (≤ the crawl's window)
 *   <prefix>:crawl:<id>:seen:<b>     hashes: 8-byte URL fingerprints (dedupe), listpack-sized
 * Result store (evictable, with the results' TTL):
 *   <prefix>:crawl:<id>:pages        list of page records (JSON), in finishing order
 *   <prefix>:crawl:<id>:recorded     bitmap: page n has its record
 * Jobs: the seed job `<id>-seed`, page n's job `<id>-p<n>` (results at their usual key).
 */
import { queueKeys, QUEUE_NAME } from '../keys.ts';

export function crawlKey(prefix: string, crawlId: string): string {
  return `${prefix}:crawl:${crawlId}`;
}

export function crawlKeys(prefix: string, crawlId: string) {
  const record = crawlKey(prefix, crawlId);
  return {
    record,
    frontier: `${record}:frontier`,
    done: `${record}:done`,
    inflight: `${record}:inflight`,
    seenPrefix: `${record}:seen:`,
    pages: `${record}:pages`,
    recorded: `${record}:recorded`,
  };
}

/** The BullMQ keys addStandardJob takes, in its order (edge/src/jobs/enqueue/add-job-scripts.ts). */
export function addStandardJobKeys(prefix: string): string[] {
  const keys = queueKeys(prefix, QUEUE_NAME);
  return (['wait', 'paused', 'meta', 'id', 'completed', 'delayed', 'active', 'events', 'marker'] as const).map(keys.key);
}

export function seedJobId(crawlId: string): string {
  return `${crawlId}-seed`;
}

export function pageJobId(crawlId: string, n: number): string {
  return `${crawlId}-p${n}`;
}

/** BullMQ job name of a crawl's seed job (page jobs are named by their mode like any job). */
export const CRAWL_SEED_JOB = 'crawl-seed';

/** How long a crawl's broker keys live at most, and a finished crawl's record after it ends. */
export const CRAWL_TTL_MS = 7 * 24 * 3_600_000;
export const CRAWL_RETENTION_MS = 7 * 24 * 3_600_000;

/** Fingerprints per dedupe bucket at the discovered ceiling: under Redis's listpack threshold (128). */
export const SEEN_PER_BUCKET = 100;

/** Dedupe buckets of a crawl: enough for its discovered ceiling at ~100 fingerprints each. */
export function seenBuckets(maxDiscovered: number): number {
  return Math.max(1, Math.ceil(maxDiscovered / SEEN_PER_BUCKET));
}

/** BullMQ job name of a `POST /v1/map` job; its answer goes to `mapResultKey` in the result store. */
export const MAP_JOB = 'map';

/** Result store: a map job's answer (JSON), kept briefly: the edge is waiting for it. */
export function mapResultKey(prefix: string, jobId: string): string {
  return `${prefix}:map:${jobId}`;
}

export const MAP_RESULT_TTL_SECONDS = 3600;
