/**
 * @module worker/exports/export-writer
 * Writes an export's text to object storage as it is produced: one PUT when it all fits in one
 * part, otherwise a multipart upload whose parts go out as they fill (S3 takes up to 10,000
 * parts of 5 MiB – 5 GiB, the last one smaller), so a worker holds one part and one chunk of
 * rows at a time whatever the export's size. A failure aborts the upload (no half file is left
 * behind to be read as whole); past `maxBytes` the export fails for good.
 */
import type { S3Client } from '../../../shared/artifacts/index.ts';
import { NonRetryableError } from '../errors/retry-policy.ts';

export interface ExportTarget {
  client: S3Client;
  key: string;
  contentType: string;
  /** `x-amz-meta-*` headers (the artifact store's expiry). */
  metadata?: Record<string, string>;
}

export interface WriteOptions {
  maxBytes: number;
  /** Bytes per multipart part (at least 5 MiB on S3; 8 MiB by default). */
  partBytes?: number;
}

export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/** The export is larger than QUARRY_EXPORT_MAX_BYTES: the same results give the same size again. */
export class ExportTooLargeError extends NonRetryableError {
  constructor(maxBytes: number) {
    super(`The export passed the ${maxBytes} bytes an export may have (QUARRY_EXPORT_MAX_BYTES); download it with GET /v1/batches/:id/results instead`);
  }
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}

/** Writes `text` to `target`; resolves to the bytes written. */
export async function writeExportFile(text: AsyncIterable<string>, target: ExportTarget, options: WriteOptions): Promise<number> {
  const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  const encoder = new TextEncoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  let uploadId: string | undefined;
  const etags: string[] = [];
  const flush = async () => {
    uploadId ??= await target.client.createMultipartUpload(target.key, target.contentType, target.metadata);
    etags.push(await target.client.uploadPart(target.key, uploadId, etags.length + 1, concat(pending, pendingBytes)));
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const chunk of text) {
      const bytes = encoder.encode(chunk);
      total += bytes.byteLength;
      if (total > options.maxBytes) throw new ExportTooLargeError(options.maxBytes);
      pending.push(bytes);
      pendingBytes += bytes.byteLength;
      if (pendingBytes >= partBytes) await flush();
    }
    if (uploadId === undefined) {
      await target.client.put(target.key, concat(pending, pendingBytes), target.contentType, target.metadata);
      return total;
    }
    if (pendingBytes > 0) await flush();
    await target.client.completeMultipartUpload(target.key, uploadId, etags);
    return total;
  } catch (error) {
    if (uploadId !== undefined) await target.client.abortMultipartUpload(target.key, uploadId).catch(() => undefined);
    throw error;
  }
}
