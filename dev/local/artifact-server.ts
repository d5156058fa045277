/**
 * @module dev/local/artifact-server
 * The local artifact store: an S3-compatible server on 127.0.0.1 (@20minutes/s3rver, a
 * maintained fork of s3rver, in this process) so `npm start` and the tests need no account,
 * and the artifact code speaks S3 locally exactly as it does to R2 or S3.
 *
 * Why the fork, and why the gate in front of it (measured against the code, lib/middleware/
 * authentication.js): s3rver 3.7.1 checks a presigned URL's expiry but never computes a SigV4
 * signature ("Signature version 4 calculation is unimplemented"), so a URL edited to name
 * another key still worked. The fork verifies SigV4 signatures and expiry for headers and
 * presigned URLs. Neither refuses a request with no signature at all (every object reads as
 * public), so the gate here answers those with 403 AccessDenied, as a private S3/R2 bucket does.
 *
 * s3rver's defaults are replaced: it would bind `localhost:4568`, log every request, keep data
 * in a shared `$TMPDIR/s3rver` and accept the well-known key pair S3RVER/S3RVER. Here it binds
 * 127.0.0.1 on the given (or a free) port, is silent, keeps data in its own directory, and
 * accepts only a key pair generated at start.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import { DUMMY_ACCOUNT } from '@20minutes/s3rver/lib/models/account.js';
import { LOCAL_BUCKET, LOCAL_REGION, type ArtifactDriver } from '../../shared/artifacts/artifact-store.ts';

export interface ArtifactServerOptions {
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Where objects are kept; a fresh temp dir (deleted by `close`) when omitted. */
  directory?: string;
  bucket?: string;
  /** More buckets on the same server (e.g. an export bucket, QUARRY_EXPORT_BUCKETS). */
  extraBuckets?: readonly string[];
}

export interface ArtifactServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  directory: string;
  /** The `local` driver for this server. */
  driver: ArtifactDriver;
  /** Worker variables that point a worker at this server. */
  workerEnv: Record<string, string>;
  /** Edge vars and secrets that let the edge sign URLs for this server. */
  edgeVars: Record<string, string>;
  close(): Promise<void>;
}

// The well-known pair would let anyone on this machine read and write the store.
DUMMY_ACCOUNT.revokeAccessKey('S3RVER');

/** Any SigV4/V2 credential in the request: without one the object would be served as public. */
function isSigned(request: IncomingMessage): boolean {
  if (request.headers.authorization) return true;
  const query = new URL(request.url ?? '/', 'http://local').searchParams;
  return query.has('X-Amz-Signature') || query.has('Signature');
}

function accessDenied(): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied: requests must be signed</Message></Error>';
}

export async function startArtifactServer(options: ArtifactServerOptions = {}): Promise<ArtifactServer> {
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'quarry-artifacts-'));
  const bucket = options.bucket ?? LOCAL_BUCKET;
  const accessKeyId = `QUARRYLOCAL${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);

  const s3rver = new S3rver({ silent: true, directory, configureBuckets: [bucket, ...(options.extraBuckets ?? [])].map((name) => ({ name })), vhostBuckets: false, allowMismatchedSignatures: false });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const server: Server = createServer((request, response) => {
    if (isSigned(request)) return handle(request, response);
    response.writeHead(403, { 'content-type': 'application/xml' }).end(accessDenied());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint, bucket, region: LOCAL_REGION, accessKeyId, secretAccessKey, directory,
    driver: { driver: 'local', endpoint, accessKeyId, secretAccessKey, bucket },
    workerEnv: {
      QUARRY_ARTIFACT_DRIVER: 'local', QUARRY_ARTIFACT_ENDPOINT: endpoint, QUARRY_ARTIFACT_BUCKET: bucket,
      QUARRY_ARTIFACT_ACCESS_KEY_ID: accessKeyId, QUARRY_ARTIFACT_SECRET_ACCESS_KEY: secretAccessKey,
    },
    edgeVars: {
      QUARRY_ARTIFACT_ENDPOINT: endpoint, QUARRY_ARTIFACT_BUCKET: bucket, QUARRY_ARTIFACT_REGION: LOCAL_REGION,
      QUARRY_ARTIFACT_ACCESS_KEY_ID: accessKeyId, QUARRY_ARTIFACT_SECRET_ACCESS_KEY: secretAccessKey,
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      DUMMY_ACCOUNT.revokeAccessKey(accessKeyId);
      if (ownDirectory) rmSync(directory, { recursive: true, force: true });
    },
  };
}
