/**
 * @module edge/exports/offloaded-results
 * Reads the whole result an offloaded stub stands for (`result.json` in the artifact store)
 * with the edge's key pair, for exports. Only a key under the stub's own job is read.
 */
import { parseArtifactKey } from '../../../shared/artifacts/artifact-keys.ts';
import { S3Client } from '../../../shared/artifacts/s3-client.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import { offloadedRef } from '../../../shared/result-offload.ts';
import type { EdgeConfig } from '../config.ts';

const clients = new WeakMap<object, S3Client>();

/** A reader for `jobId`'s stub, or one that answers null when the edge has no artifact store. */
export function offloadedResultReader(config: EdgeConfig): (jobId: string, stub: JobResult) => Promise<JobResult | null> {
  const store = config.artifacts;
  if (!store) return async () => null;
  let client = clients.get(store);
  if (!client) clients.set(store, (client = new S3Client(store.s3)));
  const s3 = client;
  return async (jobId, stub) => {
    const ref = offloadedRef(stub);
    if (!ref || parseArtifactKey(ref.key)?.jobId !== jobId) return null;
    const object = await s3.get(ref.key);
    if (!object) return null;
    try {
      return JSON.parse(new TextDecoder().decode(object.bytes)) as JobResult;
    } catch {
      return null;
    }
  };
}
