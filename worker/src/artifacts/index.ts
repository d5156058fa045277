/**
 * @module worker/artifacts
 * The worker's side of the artifact store: the store from configuration, a writer for job
 * artifacts, and the sweeper of expired ones.
 */
import type { Redis } from 'ioredis';
import { createArtifactStore, type ArtifactStore } from '../../../shared/artifacts/index.ts';
import type { WorkerConfig } from '../config.ts';
import { artifactDriverFromConfig } from './artifact-config.ts';
import { createArtifactWriter, type ArtifactWriter } from './artifact-writer.ts';
import { createExpiryIndex, type ExpiryIndex } from './expiry-index.ts';

export interface WorkerArtifacts {
  store: ArtifactStore;
  index: ExpiryIndex;
  writer: ArtifactWriter;
}

/** The configured store, its expiry index in the result-store Redis, and a writer; null when QUARRY_ARTIFACT_DRIVER=none. */
export function workerArtifacts(config: WorkerConfig, resultRedis: Redis): WorkerArtifacts | null {
  const driver = artifactDriverFromConfig(config);
  if (!driver) return null;
  const store = createArtifactStore(driver, { maxBytes: config.artifactMaxBytes });
  const index = createExpiryIndex(resultRedis, config.prefix);
  return { store, index, writer: createArtifactWriter({ store, index, ttlSeconds: config.artifactTtlSeconds }) };
}

export { artifactDriverFromConfig, InvalidArtifactConfigError } from './artifact-config.ts';
export * from './artifact-errors.ts';
export { startArtifactSweeper, type ArtifactSweeper, type SweeperOptions } from './artifact-sweeper.ts';
export type { ArtifactToStore, ArtifactWriter } from './artifact-writer.ts';
export type { ExpiryIndex } from './expiry-index.ts';
