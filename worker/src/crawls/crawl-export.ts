/**
 * @module worker/crawls/crawl-export
 * A crawl as an export subject (worker/src/exports/export-subject.ts, kind `crawl`): its
 * destination and CSV columns from its record (broker), its rows the completed pages' results
 * in the order they finished (shared/exports/crawl-rows.ts over its page list in the result
 * store), offloaded results read back from the artifact store, and the export's state in its
 * record as a batch keeps it (shared/exports/export-keys.ts). crawl-advance-14 makes it due
 * (the due set, `crawl:<id>`) in the step that completes the crawl; a cancelled or failed
 * crawl writes none.
 *
 * Cost per export: one HGETALL to open, one LRANGE and one MGET per 100 pages, one MULTI to
 * record the outcome.
 */
import type { Redis } from 'ioredis';
import type { ArtifactStore } from '../../../shared/artifacts/index.ts';
import { crawlKeys, type CrawlPageRecord } from '../../../shared/crawls/index.ts';
import { crawlRows, exportDueKey, parseExportColumns, type CrawlRowStore, type ExportDestination } from '../../../shared/exports/index.ts';
import { resultKey } from '../../../shared/keys.ts';
import { readOffloaded } from '../exports/batch-export.ts';
import type { ExportSubject, ExportSubjectSource } from '../exports/export-subject.ts';

export interface CrawlExportOptions {
  broker: Redis;
  results: Redis;
  prefix: string;
  /** Where offloaded results are read back from; null without an artifact store. */
  store: ArtifactStore | null;
}

function parseRecord(raw: string): CrawlPageRecord | null {
  try {
    return JSON.parse(raw) as CrawlPageRecord;
  } catch {
    return null;
  }
}

export function crawlExportSubjects(options: CrawlExportOptions): ExportSubjectSource {
  const { broker, results, prefix, store } = options;
  return async (crawlId) => {
    const keys = crawlKeys(prefix, crawlId);
    const fields = await broker.hgetall(keys.record);
    if (!fields.export) return null;
    const destination = JSON.parse(fields.export) as ExportDestination;
    const rowStore: CrawlRowStore = {
      async pages(from, count) {
        const raws = await results.lrange(keys.pages, from, from + count - 1);
        // A record that does not parse keeps its place (positions are the cursor) as a failed page.
        const records = raws.map((raw) => parseRecord(raw) ?? { status: 'failed', n: -1, url: '', depth: 0, jobId: '', finishedAt: '' } satisfies CrawlPageRecord);
        return { records, next: raws.length < count ? null : from + count };
      },
      results: async (jobIds) => results.mget(...jobIds.map((id) => resultKey(prefix, id))),
      offloaded: (jobId, stub) => readOffloaded(store, jobId, stub),
    };
    const member = `crawl:${crawlId}`;
    const subject: ExportSubject = {
      destination,
      columns: parseExportColumns(fields.columns),
      written: fields.exportState === 'written',
      rows: () => crawlRows(rowStore),
      async markWriting() {
        await broker.multi().hset(keys.record, 'exportState', 'writing').hincrby(keys.record, 'exportAttempts', 1).exec();
      },
      async markWritten({ rows, bytes, writtenAt }) {
        await broker.multi()
          .hset(keys.record, { exportState: 'written', exportRows: rows, exportBytes: bytes, exportWrittenAt: writtenAt })
          .hdel(keys.record, 'exportError').zrem(exportDueKey(prefix), member).exec();
      },
      async markFailed(reason, final) {
        const tx = broker.multi().hset(keys.record, { exportState: final ? 'failed' : 'due', exportError: reason.slice(0, 1000) });
        if (final) tx.zrem(exportDueKey(prefix), member);
        await tx.exec();
      },
    };
    return subject;
  };
}
