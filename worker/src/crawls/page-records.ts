/**
 * @module worker/crawls/page-records
 * A crawl's page list in the result store (GET /v1/crawls/:id/pages reads it): one record per
 * finished page, appended once (crawl-page-record-2.lua: a bitmap by page number), with the
 * results' TTL. One EVALSHA per finished page.
 */
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { crawlKeys, CRAWL_SCRIPTS } from '../../../shared/crawls/index.ts';
import { runCrawlScript } from './crawl-store.ts';

const RECORD = { ...CRAWL_SCRIPTS.pageRecord, sha: createHash('sha1').update(CRAWL_SCRIPTS.pageRecord.content).digest('hex') };

export async function appendPageRecord(results: Redis, prefix: string, crawlId: string, n: number, record: string, ttlSeconds: number): Promise<boolean> {
  const keys = crawlKeys(prefix, crawlId);
  return (await runCrawlScript(results, RECORD, [keys.pages, keys.recorded], [n, record, ttlSeconds])) === 1;
}
