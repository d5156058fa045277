/**
 * @module shared/artifacts/artifact-store
 * One artifact store, two drivers (the unstorage pattern): `s3` for Cloudflare R2, AWS S3 or
 * MinIO, and `local` for the S3-compatible server `npm start` and the tests run on 127.0.0.1
 * (dev/local/artifact-server.ts). Both speak S3 through the same client, and both pass the same
 * conformance suite (test/artifacts/conformance.ts).
 *
 * Every object carries its expiry (`x-amz-meta-quarry-expires-at`, epoch seconds): reads refuse
 * an expired artifact at once, and the worker's sweeper deletes it (worker/src/artifacts/).
 */
import { InvalidArtifactKeyError, parseArtifactKey } from './artifact-keys.ts';
import { S3Client, type S3Config } from './s3-client.ts';

export interface ArtifactInfo {
  key: string;
  contentType: string;
  /** Size in bytes. */
  bytes: number;
  /** When it expires, ms since epoch. */
  expiresAt: number;
}

export interface ArtifactStore {
  /** Stores `bytes` under `key` (`<tenant tag>/<job id>/<name>`) for `ttlSeconds`; replaces an earlier object. */
  put(key: string, bytes: Uint8Array, contentType: string, ttlSeconds: number): Promise<ArtifactInfo>;
  /** The artifact, or null when absent or expired. */
  get(key: string): Promise<{ info: ArtifactInfo; bytes: Uint8Array } | null>;
  /** Its description without the bytes, or null when absent or expired. */
  head(key: string): Promise<ArtifactInfo | null>;
  /** Removes it; removing a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** A URL anyone may GET the artifact with for `expiresInSeconds` (never past the artifact's own expiry is the caller's rule). */
  signedGetUrl(key: string, expiresInSeconds: number): Promise<string>;
}

/** Over the store's size cap (`QUARRY_ARTIFACT_MAX_BYTES`). */
export class ArtifactTooLargeError extends Error {
  override name = 'ArtifactTooLargeError';
  readonly bytes: number;
  readonly maxBytes: number;
  constructor(key: string, bytes: number, maxBytes: number) {
    super(`Artifact ${key} is ${bytes} bytes, over the ${maxBytes} bytes the store accepts (QUARRY_ARTIFACT_MAX_BYTES)`);
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}

export type ArtifactDriver =
  | { driver: 's3'; s3: S3Config }
  /** The local server: its endpoint and the credentials it was started with. */
  | { driver: 'local'; endpoint: string; accessKeyId: string; secretAccessKey: string; bucket?: string };

export const LOCAL_BUCKET = 'quarry-artifacts';
export const LOCAL_REGION = 'us-east-1';

export interface ArtifactStoreOptions {
  /** Largest artifact `put` accepts. */
  maxBytes: number;
  /** Clock (ms since epoch), for tests. */
  now?: () => number;
}

const EXPIRES_AT = 'quarry-expires-at';

/** The S3 settings a driver stands for. */
export function s3ConfigOf(driver: ArtifactDriver): S3Config {
  if (driver.driver === 's3') return driver.s3;
  return { endpoint: driver.endpoint, bucket: driver.bucket ?? LOCAL_BUCKET, region: LOCAL_REGION, accessKeyId: driver.accessKeyId, secretAccessKey: driver.secretAccessKey };
}

function checkedKey(key: string): string {
  if (!parseArtifactKey(key)) throw new InvalidArtifactKeyError(`${JSON.stringify(key)} is not an artifact key (<tenant tag>/<job id>/<name>)`);
  return key;
}

export function createArtifactStore(driver: ArtifactDriver, options: ArtifactStoreOptions): ArtifactStore {
  const client = new S3Client(s3ConfigOf(driver));
  const now = options.now ?? Date.now;
  const infoOf = (key: string, contentType: string, size: number, metadata: Record<string, string>): ArtifactInfo | null => {
    const expiresAt = Number(metadata[EXPIRES_AT]) * 1000;
    // An object without a readable expiry was not written by this store: treat it as expired.
    if (!Number.isFinite(expiresAt) || expiresAt <= now()) return null;
    return { key, contentType, bytes: size, expiresAt };
  };
  return {
    async put(key, bytes, contentType, ttlSeconds) {
      checkedKey(key);
      if (bytes.byteLength > options.maxBytes) throw new ArtifactTooLargeError(key, bytes.byteLength, options.maxBytes);
      const expiresAtSeconds = Math.ceil(now() / 1000 + ttlSeconds);
      await client.put(key, bytes, contentType, { [EXPIRES_AT]: String(expiresAtSeconds) });
      return { key, contentType, bytes: bytes.byteLength, expiresAt: expiresAtSeconds * 1000 };
    },
    async get(key) {
      const object = await client.get(checkedKey(key));
      if (!object) return null;
      const info = infoOf(key, object.contentType, object.bytes.byteLength, object.metadata);
      return info ? { info, bytes: object.bytes } : null;
    },
    async head(key) {
      const head = await client.head(checkedKey(key));
      return head ? infoOf(key, head.contentType, head.size, head.metadata) : null;
    },
    delete: (key) => client.delete(checkedKey(key)),
    signedGetUrl: (key, expiresInSeconds) => client.presignGet(checkedKey(key), expiresInSeconds, new Date(now())),
  };
}
