/**
 * @module worker/exports/export-targets
 * Turns an export's destination into a place to write: the artifact store's bucket (the file
 * is an artifact of the export: it carries the store's expiry and enters the expiry index, so
 * the sweeper deletes it with the other artifacts), or a bucket the operator allows for exports
 * (QUARRY_EXPORT_BUCKETS, checked here again: the worker writes with its own credentials and
 * trusts no record for that), written with the artifact store's endpoint and key pair.
 */
import { s3ConfigOf, S3Client, type ArtifactDriver } from '../../../shared/artifacts/index.ts';
import { EXPORT_CONTENT_TYPES, type ExportDestination } from '../../../shared/exports/index.ts';
import { ArtifactStoreNotConfiguredError } from '../artifacts/artifact-errors.ts';
import type { ExpiryIndex } from '../artifacts/index.ts';
import { NonRetryableError } from '../errors/retry-policy.ts';
import type { ExportTarget } from './export-writer.ts';

/** The destination names a bucket this worker may not write exports to. */
export class ExportBucketNotAllowedError extends NonRetryableError {
  constructor(bucket: string) {
    super(`Exports may not be written to bucket "${bucket}": it is not in this worker's QUARRY_EXPORT_BUCKETS`);
  }
}

export interface ExportTargetsOptions {
  /** The artifact store's driver; null without one. */
  driver: ArtifactDriver | null;
  index: ExpiryIndex | null;
  /** QUARRY_EXPORT_BUCKETS. */
  allowedBuckets: ReadonlySet<string>;
  /** Lifetime of exports written to the artifact store (QUARRY_ARTIFACT_TTL_SECONDS). */
  ttlSeconds: number;
  now?: () => number;
}

export interface ResolvedTarget {
  target: ExportTarget;
  /** After the file is complete (the artifact store's expiry index). */
  written(): Promise<void>;
}

export type ExportTargets = (destination: ExportDestination) => ResolvedTarget;

export function exportTargets(options: ExportTargetsOptions): ExportTargets {
  const { driver, index, allowedBuckets, ttlSeconds, now = Date.now } = options;
  const clients = new Map<string, S3Client>();
  const clientFor = (bucket: string | null) => {
    if (!driver) throw new ArtifactStoreNotConfiguredError('An export');
    const config = s3ConfigOf(driver);
    const name = bucket ?? config.bucket;
    let client = clients.get(name);
    if (!client) clients.set(name, (client = new S3Client({ ...config, bucket: name })));
    return client;
  };
  return (destination) => {
    const contentType = EXPORT_CONTENT_TYPES[destination.format];
    if (destination.bucket !== null) {
      if (!allowedBuckets.has(destination.bucket)) throw new ExportBucketNotAllowedError(destination.bucket);
      return { target: { client: clientFor(destination.bucket), key: destination.key, contentType }, written: async () => undefined };
    }
    const expiresAtSeconds = Math.ceil(now() / 1000 + ttlSeconds);
    return {
      // The metadata the artifact store reads its expiry from (shared/artifacts/artifact-store.ts).
      target: { client: clientFor(null), key: destination.key, contentType, metadata: { 'quarry-expires-at': String(expiresAtSeconds) } },
      written: async () => index?.add([{ key: destination.key, expiresAt: expiresAtSeconds * 1000 }]),
    };
  };
}
