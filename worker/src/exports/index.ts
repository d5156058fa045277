/**
 * @module worker/exports
 * Exports written by the workers once a batch (or a crawl) finishes, like Scrapy's FEEDS: the
 * queue of export jobs, the batch subject, the destinations and the multipart writer.
 *
 * Another capability reuses it by registering a subject source under its kind and enqueueing
 * `{kind, id}` when its subject finishes:
 *
 * ```ts
 * startExportQueue({ ..., subjects: { batch: batchExportSubjects(...), crawl: crawlExportSubjects(...) } });
 * await exports.enqueue({ kind: 'crawl', id: crawlId });
 * ```
 *
 * A subject (export-subject.ts) gives the destination (shared/exports/export-target.ts), the CSV
 * columns (shared/exports/export-columns.ts), its rows in chunks, and records the export's state.
 */
export { batchExportSubjects, type BatchExportOptions } from './batch-export.ts';
export { exportQueueJobId, startExportQueue, type ExportQueue, type ExportQueueOptions } from './export-queue.ts';
export type { ExportOutcome, ExportSubject, ExportSubjectSource } from './export-subject.ts';
export { ExportBucketNotAllowedError, exportTargets, type ExportTargets, type ExportTargetsOptions, type ResolvedTarget } from './export-targets.ts';
export { DEFAULT_PART_BYTES, ExportTooLargeError, writeExportFile, type ExportTarget, type WriteOptions } from './export-writer.ts';
