/**
 * @module edge/artifacts/sign-artifacts
 * Short-lived presigned GET URLs for a job's artifacts, minted inside workerd with aws4fetch
 * (shared/artifacts/s3-client.ts): the bucket stays private, the client downloads straight from
 * the store, and the edge pays no bandwidth. A URL names one object and stops working after
 * QUARRY_ARTIFACT_URL_TTL_SECONDS; only callers who may read the job (its tenant, admins) get
 * the job view that carries it. Signing costs no Redis command and no request to the store.
 */
import { parseArtifactKey, UNTAGGED } from '../../../shared/artifacts/artifact-keys.ts';
import { S3Client } from '../../../shared/artifacts/s3-client.ts';
import type { ArtifactRef } from '../../../shared/job-result.ts';
import { idTag } from '../../../shared/tenant.ts';
import type { EdgeConfig } from '../config.ts';
import { MisconfiguredProblem } from '../problems/problems.ts';

const clients = new WeakMap<object, S3Client>();

/**
 * The artifacts with `url` and `urlExpiresAt`. Only keys under the job's own `<tag>/<job id>/`
 * are signed: a result never gets a URL to anything else, whatever it says.
 */
export async function signArtifacts(config: EdgeConfig, jobId: string, artifacts: readonly ArtifactRef[], now: Date = new Date()): Promise<ArtifactRef[]> {
  const store = config.artifacts;
  if (!store) throw new MisconfiguredProblem('The edge is misconfigured: this job has artifacts, so set QUARRY_ARTIFACT_ENDPOINT (and its key pair) to sign URLs for them.');
  let client = clients.get(store);
  if (!client) clients.set(store, (client = new S3Client(store.s3)));
  const tag = idTag(jobId) ?? UNTAGGED;
  const urlExpiresAt = new Date(now.getTime() + store.urlTtlSeconds * 1000).toISOString();
  return Promise.all(artifacts.map(async (artifact) => {
    const parts = parseArtifactKey(artifact.key);
    if (!parts || parts.tag !== tag || parts.jobId !== jobId) return artifact;
    return { ...artifact, url: await client.presignGet(artifact.key, store.urlTtlSeconds, now), urlExpiresAt };
  }));
}
