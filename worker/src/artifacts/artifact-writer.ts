/**
 * @module worker/artifacts/artifact-writer
 * Stores a job's artifacts and records when they expire: what the pipeline's effects stage
 * calls with the formats' `ArtifactBytes`, getting the `ArtifactRef`s the result carries.
 * Idempotent per job id: a retried job writes the same keys again.
 */
import { artifactKey, type ArtifactStore } from '../../../shared/artifacts/index.ts';
import type { ArtifactRef } from '../../../shared/job-result.ts';
import { classifyStoreError } from './artifact-errors.ts';
import type { ExpiryIndex } from './expiry-index.ts';

export interface ArtifactToStore {
  name: string;
  type: ArtifactRef['type'];
  contentType: string;
  bytes: Uint8Array;
}

export interface ArtifactWriter {
  save(jobId: string, artifacts: readonly ArtifactToStore[]): Promise<ArtifactRef[]>;
}

export function createArtifactWriter(options: { store: ArtifactStore; index: ExpiryIndex; ttlSeconds: number }): ArtifactWriter {
  const { store, index, ttlSeconds } = options;
  return {
    async save(jobId, artifacts) {
      if (artifacts.length === 0) return [];
      try {
        const stored = await Promise.all(artifacts.map(async (artifact) => {
          const info = await store.put(artifactKey(jobId, artifact.name), artifact.bytes, artifact.contentType, ttlSeconds);
          return { artifact, info };
        }));
        await index.add(stored.map(({ info }) => ({ key: info.key, expiresAt: info.expiresAt })));
        return stored.map(({ artifact, info }) => ({ name: artifact.name, type: artifact.type, contentType: info.contentType, bytes: info.bytes, key: info.key }));
      } catch (error) {
        throw classifyStoreError(error);
      }
    },
  };
}
