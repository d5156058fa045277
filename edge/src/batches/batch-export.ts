/**
 * @module edge/batches/batch-export
 * A batch's optional `export` (shared/exports/export-target.ts): checked and resolved to its
 * destination when the batch is created (stored in the record with the first chunk), and shown
 * in the batch view with its state and, once written, a short-lived signed link to the file.
 *
 * Quarry writes exports with its own credentials, so a tenant may only name a bucket the
 * operator listed in QUARRY_EXPORT_BUCKETS, and the file always lands under the tenant's tag
 * (`<tag>/<path>`). Without `url` the file is an artifact of the batch's export.
 */
import { S3Client } from '../../../shared/artifacts/s3-client.ts';
import { exportDestination, parseExportUrl, type ExportDestination, type ExportOption, type ExportState } from '../../../shared/exports/index.ts';
import type { EdgeConfig } from '../config.ts';
import { ValidationProblem } from '../problems/problems.ts';

/** The destination of a batch's export; a 400 naming `export.url` when its bucket is not allowed. */
export function batchExportDestination(config: EdgeConfig, batchId: string, option: ExportOption): ExportDestination {
  if (option.url !== undefined) {
    const parsed = parseExportUrl(option.url);
    const bucket = typeof parsed === 'string' ? '' : parsed.bucket;
    if (!config.exportBuckets.has(bucket)) {
      const allowed = [...config.exportBuckets];
      throw new ValidationProblem([{
        path: 'export.url',
        message: `bucket "${bucket}" is not one this deployment writes exports to: ${allowed.length ? `use one of ${allowed.join(', ')}` : 'none is configured (QUARRY_EXPORT_BUCKETS)'}, or leave url out to export into the artifact store and download it from the batch view`,
      }]);
    }
  }
  return exportDestination(batchId, option);
}

export interface ExportView {
  format: ExportDestination['format'];
  /** The `url` the batch asked for, if any. */
  url?: string;
  /** Object key of the file (`bucket` null: the artifact store's bucket). */
  bucket: string | null;
  key: string;
  /** `pending` until the batch finished, `due`, `writing`, then `written` or `failed`. */
  state: ExportState;
  attempts: number;
  rows?: number;
  bytes?: number;
  writtenAt?: string;
  error?: string;
  /** Once written: a signed GET URL of the file, valid until `downloadUrlExpiresAt`. */
  downloadUrl?: string;
  downloadUrlExpiresAt?: string;
}

const clients = new Map<string, S3Client>();

/** The view of the export in `record`, or undefined when the batch has none. */
export async function exportView(config: EdgeConfig, record: Record<string, string>, now: Date = new Date()): Promise<ExportView | undefined> {
  if (!record.export) return undefined;
  let destination: ExportDestination;
  try {
    destination = JSON.parse(record.export) as ExportDestination;
  } catch {
    return undefined;
  }
  const state = (record.exportState ?? 'pending') as ExportState;
  const view: ExportView = { format: destination.format, bucket: destination.bucket, key: destination.key, state, attempts: Number(record.exportAttempts ?? 0) };
  if (destination.url !== undefined) view.url = destination.url;
  if (record.exportRows !== undefined) view.rows = Number(record.exportRows);
  if (record.exportBytes !== undefined) view.bytes = Number(record.exportBytes);
  if (record.exportWrittenAt !== undefined) view.writtenAt = new Date(Number(record.exportWrittenAt)).toISOString();
  if (record.exportError !== undefined && state !== 'written') view.error = record.exportError;
  const store = config.artifacts;
  if (state === 'written' && store) {
    const bucket = destination.bucket ?? store.s3.bucket;
    let client = clients.get(bucket);
    if (!client) clients.set(bucket, (client = new S3Client({ ...store.s3, bucket })));
    view.downloadUrl = await client.presignGet(destination.key, store.urlTtlSeconds, now);
    view.downloadUrlExpiresAt = new Date(now.getTime() + store.urlTtlSeconds * 1000).toISOString();
  }
  return view;
}
