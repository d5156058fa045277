/**
 * @module shared/exports/batch-rows
 * A batch's results as export rows, read in chunks so memory stays flat however large the
 * batch: item i's job is `<batchId>-<i>` unless the batch recorded another id for it (an item
 * that matched an existing job, or that had its own idempotency key), and its result is one
 * key of an MGET. The edge (Upstash REST) and the workers (ioredis) each implement the store.
 *
 * Chunks adapt to the results' size: the next chunk holds about `targetChunkBytes` of results
 * going by the last one's average, between `minChunk` and `maxChunk` items. Items without a
 * stored result (failed, cancelled, still running, expired) are skipped: the rows are the
 * results there are. An offloaded stub (shared/result-offload.ts) is replaced by its whole
 * result read from the artifact store, or kept as it is when that cannot be read.
 */
import type { JobResult } from '../job-result.ts';
import { offloadedRef } from '../result-offload.ts';
import type { ExportRow } from './export-rows.ts';

export interface BatchRowStore {
  /** Per index, the item's job id when it is not `<batchId>-<index>`, else null. */
  itemIds(indexes: readonly number[]): Promise<ReadonlyArray<string | null>>;
  /** The stored results (JSON text) of these jobs, null where there is none. */
  results(jobIds: readonly string[]): Promise<ReadonlyArray<string | null>>;
  /** The whole result job `jobId`'s offloaded stub stands for, or null when it cannot be read. */
  offloaded(jobId: string, stub: JobResult): Promise<JobResult | null>;
}

export interface BatchRowsOptions {
  batchId: string;
  /** The batch's item count. */
  items: number;
  /** First item index (the resume cursor); 0 by default. */
  from?: number;
  /** Most rows in all; unlimited by default. */
  limit?: number;
  targetChunkBytes?: number;
  minChunk?: number;
  maxChunk?: number;
}

export const DEFAULT_CHUNK = { targetBytes: 2 * 1024 * 1024, min: 10, max: 1000, first: 100 } as const;

/** The job id of item `index` of `batchId` when the batch recorded no other. */
export const batchItemJobId = (batchId: string, index: number) => `${batchId}-${index}`;

function parse(raw: string | null): JobResult | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as JobResult;
  } catch {
    return null; // not written by a worker: nothing to export
  }
}

/** Yields the rows chunk by chunk, in item order. */
export async function* batchRows(store: BatchRowStore, options: BatchRowsOptions): AsyncGenerator<ExportRow[]> {
  const { batchId, items, targetChunkBytes = DEFAULT_CHUNK.targetBytes, minChunk = DEFAULT_CHUNK.min, maxChunk = DEFAULT_CHUNK.max } = options;
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  let size = Math.min(maxChunk, Math.max(minChunk, DEFAULT_CHUNK.first));
  for (let start = Math.max(0, options.from ?? 0); start < items && left > 0;) {
    const indexes = Array.from({ length: Math.min(size, items - start) }, (_, i) => start + i);
    start += indexes.length;
    const overrides = await store.itemIds(indexes);
    const jobIds = indexes.map((index, i) => overrides[i] ?? batchItemJobId(batchId, index));
    const raws = await store.results(jobIds);
    let bytes = 0;
    const rows: ExportRow[] = [];
    for (let i = 0; i < indexes.length && rows.length < left; i++) {
      const raw = raws[i] ?? null;
      bytes += raw?.length ?? 0;
      let result = parse(raw);
      if (!result) continue;
      if (offloadedRef(result)) result = (await store.offloaded(jobIds[i]!, result)) ?? result;
      rows.push({ index: indexes[i]!, jobId: jobIds[i]!, result });
    }
    left -= rows.length;
    if (rows.length > 0) yield rows;
    // Next chunk: about targetChunkBytes of results at this chunk's average size.
    const average = bytes / indexes.length;
    size = average > 0 ? Math.min(maxChunk, Math.max(minChunk, Math.floor(targetChunkBytes / average))) : size;
  }
}
