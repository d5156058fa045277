/**
 * @module shared/exports/crawl-rows
 * A crawl's completed pages as export rows, in the order the pages finished (the crawl's page
 * list in the result store, shared/crawls/crawl-record.ts), read a chunk of records at a time so
 * memory stays one chunk however large the crawl. A row's `index` is its record's position in
 * that list: the cursor of `GET /v1/crawls/:id/pages`, so a broken download resumes at the last
 * whole row's index + 1. Failed pages, and completed ones whose result expired, have no row; an
 * offloaded stub is replaced by its whole result when it can be read (as in batch-rows.ts).
 * The edge (Upstash REST) and the workers (ioredis) each implement the store.
 */
import type { CrawlPageRecord } from '../crawls/crawl-record.ts';
import type { JobResult } from '../job-result.ts';
import { offloadedRef } from '../result-offload.ts';
import type { ExportRow } from './export-rows.ts';

export interface CrawlRowStore {
  /** Up to `count` records from position `from` (every status, consecutive); next = null at the end of the list. */
  pages(from: number, count: number): Promise<{ records: readonly CrawlPageRecord[]; next: number | null }>;
  /** The stored results (JSON text) of these jobs, null where there is none. */
  results(jobIds: readonly string[]): Promise<ReadonlyArray<string | null>>;
  /** The whole result job `jobId`'s offloaded stub stands for, or null when it cannot be read. */
  offloaded(jobId: string, stub: JobResult): Promise<JobResult | null>;
}

export interface CrawlRowsOptions {
  /** First list position (the resume cursor); 0 by default. */
  from?: number;
  /** Most rows in all; unlimited by default. */
  limit?: number;
  /** Records read per chunk (one list read and one MGET each). */
  chunk?: number;
}

function parse(raw: string | null | undefined): JobResult | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as JobResult;
  } catch {
    return null; // not written by a worker: nothing to export
  }
}

/** Yields the rows chunk by chunk, in list order. */
export async function* crawlRows(store: CrawlRowStore, options: CrawlRowsOptions = {}): AsyncGenerator<ExportRow[]> {
  const chunk = options.chunk ?? 100;
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  let position: number | null = Math.max(0, options.from ?? 0);
  while (position !== null && left > 0) {
    const from: number = position;
    const { records, next } = await store.pages(from, chunk);
    position = records.length === 0 ? null : next;
    const completed = records.map((record, i) => ({ record, index: from + i })).filter(({ record }) => record.status === 'completed');
    const raws = completed.length === 0 ? [] : await store.results(completed.map(({ record }) => record.jobId));
    const rows: ExportRow[] = [];
    for (let i = 0; i < completed.length && rows.length < left; i++) {
      let result = parse(raws[i]);
      if (!result) continue;
      const { record, index } = completed[i]!;
      if (offloadedRef(result)) result = (await store.offloaded(record.jobId, result)) ?? result;
      rows.push({ index, jobId: record.jobId, result });
    }
    left -= rows.length;
    if (rows.length > 0) yield rows;
  }
}
