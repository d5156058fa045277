/**
 * @module shared/artifacts/s3-client
 * The S3 operations Quarry needs (PUT, GET, HEAD, DELETE of one object, multipart uploads for
 * exports, presigned GET URLs),
 * over `fetch` with SigV4 from aws4fetch, so the same code runs in Node (workers) and in
 * workerd (the edge mints URLs). Path-style URLs (`<endpoint>/<bucket>/<key>`): what Cloudflare
 * R2, MinIO and the local server take; AWS S3 still serves them.
 */
import { AwsClient, AwsV4Signer } from 'aws4fetch';

export interface S3Config {
  /** `https://<account>.r2.cloudflarestorage.com`, `https://s3.<region>.amazonaws.com`, `http://127.0.0.1:9000`… */
  endpoint: string;
  bucket: string;
  /** `auto` for R2. */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** A request the store answered with an error status (4xx other than 404, 5xx). */
export class S3RequestError extends Error {
  override name = 'S3RequestError';
  readonly status: number;
  /** S3's error code (`AccessDenied`, `SignatureDoesNotMatch`, `NoSuchBucket`, …) when the body said. */
  readonly code: string | undefined;
  constructor(operation: string, key: string, status: number, code: string | undefined) {
    super(`Artifact store ${operation} ${key}: HTTP ${status}${code ? ` ${code}` : ''}`);
    this.status = status;
    this.code = code;
  }
}

/** RFC 3986 encoding of one path segment, as SigV4 canonicalizes it. */
const encodeSegment = (segment: string) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `YYYYMMDDTHHMMSSZ`, SigV4's time format. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

export interface S3Object {
  bytes: Uint8Array;
  contentType: string;
  metadata: Record<string, string>;
}

export interface S3Head {
  size: number;
  contentType: string;
  metadata: Record<string, string>;
}

const META = 'x-amz-meta-';

function metadataOf(headers: Headers): Record<string, string> {
  const metadata: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith(META)) metadata[name.slice(META.length)] = value;
  });
  return metadata;
}

async function errorCode(response: Response): Promise<string | undefined> {
  const text = await response.text().catch(() => '');
  return /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
}

export class S3Client {
  private readonly config: S3Config;
  private readonly aws: AwsClient;

  constructor(config: S3Config) {
    this.config = config;
    // Two quick retries of 5xx/429 inside one call; the job's own retries cover longer outages.
    this.aws = new AwsClient({ accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, service: 's3', region: config.region, retries: 2, initRetryMs: 50 });
  }

  objectUrl(key: string): string {
    return `${this.config.endpoint.replace(/\/+$/, '')}/${encodeSegment(this.config.bucket)}/${key.split('/').map(encodeSegment).join('/')}`;
  }

  async put(key: string, bytes: Uint8Array, contentType: string, metadata: Record<string, string> = {}): Promise<void> {
    const headers: Record<string, string> = { 'content-type': contentType };
    for (const [name, value] of Object.entries(metadata)) headers[`${META}${name}`] = value;
    const response = await this.aws.fetch(this.objectUrl(key), { method: 'PUT', headers, body: bytes as Uint8Array<ArrayBuffer> });
    if (!response.ok) throw new S3RequestError('PUT', key, response.status, await errorCode(response));
    await response.body?.cancel();
  }

  async get(key: string): Promise<S3Object | null> {
    const response = await this.aws.fetch(this.objectUrl(key), { method: 'GET' });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw new S3RequestError('GET', key, response.status, await errorCode(response));
    return {
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      metadata: metadataOf(response.headers),
    };
  }

  async head(key: string): Promise<S3Head | null> {
    const response = await this.aws.fetch(this.objectUrl(key), { method: 'HEAD' });
    await response.body?.cancel();
    if (response.status === 404) return null;
    if (!response.ok) throw new S3RequestError('HEAD', key, response.status, undefined);
    return {
      size: Number(response.headers.get('content-length') ?? 0),
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      metadata: metadataOf(response.headers),
    };
  }

  /** Deleting a missing key succeeds, as in S3. */
  async delete(key: string): Promise<void> {
    const response = await this.aws.fetch(this.objectUrl(key), { method: 'DELETE' });
    if (!response.ok && response.status !== 404) throw new S3RequestError('DELETE', key, response.status, await errorCode(response));
    await response.body?.cancel();
  }

  /**
   * Multipart upload (exports larger than one part): create, upload parts (each but the last at
   * least 5 MiB, S3's rule), complete with the parts' ETags, or abort to drop what was sent.
   */
  async createMultipartUpload(key: string, contentType: string, metadata: Record<string, string> = {}): Promise<string> {
    const headers: Record<string, string> = { 'content-type': contentType };
    for (const [name, value] of Object.entries(metadata)) headers[`${META}${name}`] = value;
    const response = await this.aws.fetch(`${this.objectUrl(key)}?uploads`, { method: 'POST', headers });
    const text = await response.text();
    if (!response.ok) throw new S3RequestError('CreateMultipartUpload', key, response.status, /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1]);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(text)?.[1];
    if (!uploadId) throw new S3RequestError('CreateMultipartUpload', key, response.status, 'NoUploadId');
    return uploadId;
  }

  /** Uploads part `partNumber` (1–10,000) and returns its ETag. */
  async uploadPart(key: string, uploadId: string, partNumber: number, bytes: Uint8Array): Promise<string> {
    const url = `${this.objectUrl(key)}?partNumber=${partNumber}&uploadId=${encodeURIComponent(uploadId)}`;
    const response = await this.aws.fetch(url, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer> });
    if (!response.ok) throw new S3RequestError('UploadPart', key, response.status, await errorCode(response));
    await response.body?.cancel();
    const etag = response.headers.get('etag');
    if (!etag) throw new S3RequestError('UploadPart', key, response.status, 'NoETag');
    return etag;
  }

  async completeMultipartUpload(key: string, uploadId: string, etags: readonly string[]): Promise<void> {
    const parts = etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}</ETag></Part>`).join('');
    const response = await this.aws.fetch(`${this.objectUrl(key)}?uploadId=${encodeURIComponent(uploadId)}`, {
      method: 'POST', headers: { 'content-type': 'application/xml' }, body: `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`,
    });
    // S3 may answer 200 with an <Error> body when the completion failed late.
    const text = await response.text();
    if (!response.ok || /<Error>/.test(text)) throw new S3RequestError('CompleteMultipartUpload', key, response.ok ? 500 : response.status, /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1]);
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const response = await this.aws.fetch(`${this.objectUrl(key)}?uploadId=${encodeURIComponent(uploadId)}`, { method: 'DELETE' });
    await response.body?.cancel();
    if (!response.ok && response.status !== 404) throw new S3RequestError('AbortMultipartUpload', key, response.status, undefined);
  }

  /**
   * A presigned GET URL valid for `expiresInSeconds` from `now` (1 s – 7 days, S3's range).
   * Only the signature authorizes it: anyone holding the URL can fetch that one object until it
   * expires, and changing any part of it (another key) breaks the signature.
   */
  async presignGet(key: string, expiresInSeconds: number, now: Date = new Date()): Promise<string> {
    const seconds = Math.min(604_800, Math.max(1, Math.floor(expiresInSeconds)));
    const url = new URL(this.objectUrl(key));
    url.searchParams.set('X-Amz-Expires', String(seconds));
    const signer = new AwsV4Signer({
      method: 'GET', url: url.toString(), service: 's3', region: this.config.region,
      accessKeyId: this.config.accessKeyId, secretAccessKey: this.config.secretAccessKey,
      signQuery: true, datetime: amzDate(now),
    });
    return (await signer.sign()).url.toString();
  }
}
