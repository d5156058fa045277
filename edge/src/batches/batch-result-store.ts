/**
 * @module edge/batches/batch-result-store
 * Where a batch's results are, for exports (shared/exports/batch-rows.ts), over the Upstash
 * REST clients: the batch record and its id hashes in the broker, the results in the result
 * store, offloaded results in the artifact store.
 *
 * Cost: one broker round trip to open (HGETALL of the record, HLEN of the dedup and ids
 * hashes); then per chunk one MGET on the result store, plus, only for batches that have items
 * with other job ids, one broker round trip (two HMGETs) and one more MGET for those items.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { batchDedupKey, batchIdsKey, batchKey } from '../../../shared/batch-keys.ts';
import type { BatchRowStore } from '../../../shared/exports/batch-rows.ts';
import { parseExportColumns, type ExportColumns } from '../../../shared/exports/export-columns.ts';
import { hashReplyToRecord } from '../../../shared/hash-reply.ts';
import { resultKey } from '../../../shared/keys.ts';
import type { EdgeConfig } from '../config.ts';
import { offloadedResultReader } from '../exports/offloaded-results.ts';

export interface BatchExportSource {
  items: number;
  columns: ExportColumns;
  /** The whole record (export state and the rest), for callers that show it. */
  record: Record<string, string>;
  store: BatchRowStore;
}

const asStrings = (reply: unknown, length: number): Array<string | null> =>
  Array.from({ length }, (_, i) => (Array.isArray(reply) && reply[i] !== null && reply[i] !== undefined ? String(reply[i]) : null));

/** Undefined when the batch has no record (unknown or expired). */
export async function openBatchExport(config: EdgeConfig, broker: Redis, results: Redis, batchId: string): Promise<BatchExportSource | undefined> {
  const { prefix } = config;
  const [recordReply, dedupCount, idsCount] = await broker.pipeline()
    .hgetall(batchKey(prefix, batchId)).hlen(batchDedupKey(prefix, batchId)).hlen(batchIdsKey(prefix, batchId))
    .exec() as [unknown, number, number];
  const record = hashReplyToRecord(recordReply);
  if (Object.keys(record).length === 0) return undefined;
  const overridden = Number(dedupCount) + Number(idsCount) > 0;
  const readOffloaded = offloadedResultReader(config);
  const store: BatchRowStore = {
    async itemIds(indexes) {
      if (!overridden) return indexes.map(() => null);
      const fields = indexes.map(String);
      const [dedup, ids] = await broker.pipeline()
        .hmget(batchDedupKey(prefix, batchId), ...fields).hmget(batchIdsKey(prefix, batchId), ...fields)
        .exec() as [unknown, unknown];
      const matched = asStrings(dedup, fields.length);
      const own = asStrings(ids, fields.length);
      return fields.map((_, i) => matched[i] ?? own[i] ?? null);
    },
    async results(jobIds) {
      if (jobIds.length === 0) return [];
      return asStrings(await results.mget(...jobIds.map((id) => resultKey(prefix, id))), jobIds.length);
    },
    offloaded: readOffloaded,
  };
  return { items: Number(record.items ?? 0), columns: parseExportColumns(record.columns), record, store };
}
