/**
 * @module worker/artifacts/artifact-config
 * The artifact driver the worker's configuration names, or null for `none`.
 */
import type { ArtifactDriver } from '../../../shared/artifacts/index.ts';
import type { WorkerConfig } from '../config.ts';

export class InvalidArtifactConfigError extends Error {
  override name = 'InvalidArtifactConfigError';
}

type ArtifactSettings = Pick<WorkerConfig, 'artifactDriver' | 'artifactEndpoint' | 'artifactBucket' | 'artifactRegion' | 'artifactAccessKeyId' | 'artifactSecretAccessKey'>;

export function artifactDriverFromConfig(config: ArtifactSettings): ArtifactDriver | null {
  if (config.artifactDriver === 'none') return null;
  const missing = [
    ['QUARRY_ARTIFACT_ENDPOINT', config.artifactEndpoint],
    ['QUARRY_ARTIFACT_ACCESS_KEY_ID', config.artifactAccessKeyId],
    ['QUARRY_ARTIFACT_SECRET_ACCESS_KEY', config.artifactSecretAccessKey],
  ].filter(([, value]) => !value).map(([name]) => name);
  if (missing.length) throw new InvalidArtifactConfigError(`QUARRY_ARTIFACT_DRIVER=${config.artifactDriver} needs ${missing.join(', ')}`);
  if (config.artifactDriver === 'local') {
    return { driver: 'local', endpoint: config.artifactEndpoint, bucket: config.artifactBucket, accessKeyId: config.artifactAccessKeyId, secretAccessKey: config.artifactSecretAccessKey };
  }
  return {
    driver: 's3',
    s3: { endpoint: config.artifactEndpoint, bucket: config.artifactBucket, region: config.artifactRegion, accessKeyId: config.artifactAccessKeyId, secretAccessKey: config.artifactSecretAccessKey },
  };
}
