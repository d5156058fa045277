/**
 * @module worker/exports/batch-export
 * A batch as an export subject: its destination and columns from its record, its rows from the
 * result store (shared/exports/batch-rows.ts over ioredis), offloaded results from the artifact
 * store, and its export state in its record (fields in shared/exports/export-keys.ts).
 *
 * Cost per export: one round trip to open (HGETALL, two HLENs), one MGET per chunk of results
 * (plus two HMGETs and an MGET per chunk when items have other job ids), one MULTI to record
 * the outcome.
 */
import type { Redis } from 'ioredis';
import type { ArtifactStore } from '../../../shared/artifacts/index.ts';
import { parseArtifactKey } from '../../../shared/artifacts/artifact-keys.ts';
import { batchDedupKey, batchIdsKey, batchKey } from '../../../shared/batch-keys.ts';
import { batchRows, exportDueKey, parseExportColumns, type BatchRowStore, type ExportDestination } from '../../../shared/exports/index.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import { resultKey } from '../../../shared/keys.ts';
import { offloadedRef } from '../../../shared/result-offload.ts';
import type { ExportSubject, ExportSubjectSource } from './export-subject.ts';

export interface BatchExportOptions {
  broker: Redis;
  results: Redis;
  prefix: string;
  /** Where offloaded results are read back from; null without an artifact store. */
  store: ArtifactStore | null;
}

function rowStore(options: BatchExportOptions, batchId: string, overridden: boolean): BatchRowStore {
  const { broker, results, prefix, store } = options;
  return {
    async itemIds(indexes) {
      if (!overridden) return indexes.map(() => null);
      const fields = indexes.map(String);
      const [matched, own] = await Promise.all([broker.hmget(batchDedupKey(prefix, batchId), ...fields), broker.hmget(batchIdsKey(prefix, batchId), ...fields)]);
      return fields.map((_, i) => matched[i] ?? own[i] ?? null);
    },
    results: async (jobIds) => (jobIds.length === 0 ? [] : results.mget(...jobIds.map((id) => resultKey(prefix, id)))),
    offloaded: (jobId: string, stub: JobResult) => readOffloaded(store, jobId, stub),
  };
}

/** The whole result `jobId`'s offloaded stub stands for (only a key under its own job), or null. */
export async function readOffloaded(store: ArtifactStore | null, jobId: string, stub: JobResult): Promise<JobResult | null> {
  const ref = offloadedRef(stub);
  if (!store || !ref || parseArtifactKey(ref.key)?.jobId !== jobId) return null;
  const object = await store.get(ref.key);
  if (!object) return null;
  try {
    return JSON.parse(Buffer.from(object.bytes).toString('utf8')) as JobResult;
  } catch {
    return null;
  }
}

export function batchExportSubjects(options: BatchExportOptions): ExportSubjectSource {
  const { broker, prefix } = options;
  return async (batchId) => {
    const record = batchKey(prefix, batchId);
    const [[, fields], [, dedupCount], [, idsCount]] = (await broker.multi()
      .hgetall(record).hlen(batchDedupKey(prefix, batchId)).hlen(batchIdsKey(prefix, batchId)).exec())! as [[unknown, Record<string, string>], [unknown, number], [unknown, number]];
    if (!fields.export) return null;
    const destination = JSON.parse(fields.export) as ExportDestination;
    const items = Number(fields.items ?? 0);
    const store = rowStore(options, batchId, dedupCount + idsCount > 0);
    const member = `batch:${batchId}`;
    const subject: ExportSubject = {
      destination,
      columns: parseExportColumns(fields.columns),
      written: fields.exportState === 'written',
      rows: () => batchRows(store, { batchId, items }),
      async markWriting() {
        await broker.multi().hset(record, 'exportState', 'writing').hincrby(record, 'exportAttempts', 1).exec();
      },
      async markWritten({ rows, bytes, writtenAt }) {
        await broker.multi()
          .hset(record, { exportState: 'written', exportRows: rows, exportBytes: bytes, exportWrittenAt: writtenAt })
          .hdel(record, 'exportError').zrem(exportDueKey(prefix), member).exec();
      },
      async markFailed(reason, final) {
        const tx = broker.multi().hset(record, { exportState: final ? 'failed' : 'due', exportError: reason.slice(0, 1000) });
        if (final) tx.zrem(exportDueKey(prefix), member);
        await tx.exec();
      },
    };
    return subject;
  };
}
