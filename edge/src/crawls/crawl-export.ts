/**
 * @module edge/crawls/crawl-export
 * `GET /v1/crawls/:id/pages?format=csv` (or `Accept: text/csv`): the crawl's completed pages'
 * results as CSV, the batch results route's encoder and streamed response (edge/exports/), rows
 * from shared/exports/crawl-rows.ts. Columns come from the crawl's scrape options (stored in its
 * record at creation; extract as one JSON column for crawls from before that). `?cursor=` is a
 * position in the page list, as in the JSON listing, and each row's `index` is its position:
 * a broken download resumes at the last whole row's index + 1, without the header.
 *
 * Cost: one round trip of two HGETs on the broker to open, then per chunk of 100 records one crawl-pages-1 call and
 * one MGET on the result store (plus a GET on the artifact store per offloaded result).
 */
import { crawlKeys } from '../../../shared/crawls/index.ts';
import { crawlRows, type CrawlRowStore } from '../../../shared/exports/crawl-rows.ts';
import { parseExportColumns } from '../../../shared/exports/export-columns.ts';
import { resultKey } from '../../../shared/keys.ts';
import type { EdgeConfig } from '../config.ts';
import type { ExportRequest } from '../exports/export-request.ts';
import { exportResponse } from '../exports/export-response.ts';
import { offloadedResultReader } from '../exports/offloaded-results.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { crawlNotFound } from './crawl-access.ts';
import { listCrawlPages } from './crawl-store.ts';

const CHUNK = 100;

export async function crawlExportResponse(config: EdgeConfig, id: string, request: ExportRequest): Promise<Response> {
  const broker = upstashClient(config.broker);
  const results = upstashClient(config.results);
  // A crawl without a record is unknown (or expired), whatever its page list still holds.
  const record = crawlKeys(config.prefix, id).record;
  const [status, columns] = await withBroker(() => broker.pipeline().hget(record, 'status').hget(record, 'columns').exec()) as [string | null, string | null];
  if (!status) throw crawlNotFound(id);
  const store: CrawlRowStore = {
    async pages(from, count) {
      const page = await listCrawlPages(results, config.prefix, id, { cursor: from, limit: count, scanBudget: count });
      return { records: page.records, next: page.next };
    },
    async results(jobIds) {
      return await results.mget(...jobIds.map((jobId) => resultKey(config.prefix, jobId))) as (string | null)[];
    },
    offloaded: offloadedResultReader(config),
  };
  const chunks = crawlRows(store, { from: request.cursor, chunk: CHUNK, ...(request.limit === undefined ? {} : { limit: request.limit }) });
  return exportResponse(chunks, {
    request, columns: parseExportColumns(columns), filename: id,
    headers: { 'quarry-cursor': String(request.cursor) },
  });
}
