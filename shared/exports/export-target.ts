/**
 * @module shared/exports/export-target
 * Where a finished batch's (or crawl's) export is written, like Scrapy's FEEDS:
 *
 * - no `url`: into the artifact store, as an artifact of the export itself
 *   (`<tenant tag>/<id>-export/results.<ext>`), expiring with the other artifacts, downloaded
 *   through a signed link in the batch view;
 * - `url: "s3://<bucket>/<path>"`: into a bucket the operator allows for exports
 *   (QUARRY_EXPORT_BUCKETS, written with the artifact store's key pair), at
 *   `<tenant tag>/<path>` with `{id}` replaced by the batch id. The tenant's tag always comes
 *   first, so tenants sharing an export bucket cannot overwrite each other's files, and Quarry
 *   never writes with its credentials where the operator did not say it may.
 */
import { z } from 'zod';
import { artifactKey } from '../artifacts/artifact-keys.ts';
import { idTag } from '../tenant.ts';
import { EXPORT_EXTENSIONS, type ExportFormat } from './export-rows.ts';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Path segments: letters, digits, `.`, `_`, `-` and the `{id}` placeholder; no `..`, no empty segment. */
const SEGMENT = /^(?:[A-Za-z0-9._-]|\{id\})+$/;
const MAX_PATH = 512;

export const exportFormatSchema = z.enum(['jsonl', 'csv']);

/** `export` of a batch request. */
export const exportOptionSchema = z.strictObject({
  format: exportFormatSchema.default('jsonl'),
  /** `s3://<bucket>/<path>` (`{id}` is replaced by the batch id); without it, the artifact store. */
  url: z.string().max(MAX_PATH + 70).optional().superRefine((url, ctx) => {
    if (url !== undefined && typeof parseExportUrl(url) === 'string') ctx.addIssue({ code: 'custom', message: parseExportUrl(url) as string });
  }),
});
export type ExportOption = z.output<typeof exportOptionSchema>;

/** Bucket and path of an `s3://` URL, or what is wrong with it. */
export function parseExportUrl(url: string): { bucket: string; path: string } | string {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) return 'must be s3://<bucket>/<path>, e.g. s3://exports/quarry/{id}.jsonl';
  const [, bucket, path] = match as unknown as [string, string, string];
  if (!BUCKET.test(bucket)) return `"${bucket}" is not an S3 bucket name`;
  if (path.length > MAX_PATH) return `the path must be at most ${MAX_PATH} characters`;
  const segments = path.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..' || !SEGMENT.test(segment))) {
    return 'path segments may hold letters, digits, ".", "_", "-" and {id}, and may not be empty, "." or ".."';
  }
  return { bucket, path };
}

/** Where the export is written: the artifact store (`bucket` null) or an allowed bucket. */
export interface ExportDestination {
  format: ExportFormat;
  /** null = the artifact store's bucket (the file expires with the artifacts). */
  bucket: string | null;
  key: string;
  /** The `url` as the caller gave it, for the batch view. */
  url?: string;
}

/** Job id of the export of `id` (a batch or crawl id): its file is that job's artifact. */
export const exportJobId = (id: string) => `${id}-export`;

/** The destination of `request` for batch (or crawl) `id`, whose tenant tag the id carries. */
export function exportDestination(id: string, request: ExportOption): ExportDestination {
  if (request.url === undefined) {
    return { format: request.format, bucket: null, key: artifactKey(exportJobId(id), `results.${EXPORT_EXTENSIONS[request.format]}`) };
  }
  const parsed = parseExportUrl(request.url);
  if (typeof parsed === 'string') throw new Error(`invalid export url: ${parsed}`);
  return { format: request.format, bucket: parsed.bucket, key: `${idTag(id) ?? '_'}/${parsed.path.replaceAll('{id}', id)}`, url: request.url };
}

/** Buckets an operator allows for exports (`QUARRY_EXPORT_BUCKETS`, comma-separated). */
export function parseExportBuckets(value: string): Set<string> {
  return new Set(value.split(',').map((bucket) => bucket.trim()).filter(Boolean));
}
