/**
 * @module worker/effects/artifacts-effect
 * Stores a completed run's files (screenshot/pdf formats, screenshot actions' `action-<i>.png`) in the artifact store under the job's
 * tenant-scoped keys (`<tenant tag>/<job id>/<name>`) and names them in the result, then moves a
 * result whose JSON is over QUARRY_RESULT_INLINE_MAX_BYTES to the store as `result.json`,
 * leaving a stub (shared/result-offload.ts) for the result effect to write. It runs before the
 * result effect: the stored result names what this effect stored.
 *
 * Idempotent per job id: a re-run writes the same keys again. A run that finishes from its
 * stored result (`fromEarlierRun`) stored its files already and does nothing here. Without an
 * artifact store, a run with files fails (ArtifactStoreNotConfiguredError) and every result
 * stays inline whatever its size.
 *
 * Cost per job with files or an oversized result: one PUT per file on the store and one ZADD on
 * the result store (the expiry index); none for other jobs.
 */
import { isTaskResult, type ArtifactRef } from '../../../shared/job-result.ts';
import { offloadedResult, RESULT_ARTIFACT_NAME } from '../../../shared/result-offload.ts';
import { ArtifactStoreNotConfiguredError, type WorkerArtifacts } from '../artifacts/index.ts';
import { jsonOver, resultJson } from '../result-json.ts';
import { defineEffect } from './define-effect.ts';

export interface ArtifactsEffectOptions {
  /** The store (worker/src/artifacts/), or null when QUARRY_ARTIFACT_DRIVER=none. */
  artifacts: WorkerArtifacts | null;
  /** QUARRY_RESULT_INLINE_MAX_BYTES. */
  inlineMaxBytes: number;
}

const ARTIFACT_TYPES = new Set<string>(['screenshot', 'pdf', 'result']);
const typeOf = (type: string): ArtifactRef['type'] => (ARTIFACT_TYPES.has(type) ? type as ArtifactRef['type'] : 'result');

export function artifactsEffect(options: ArtifactsEffectOptions) {
  const { artifacts, inlineMaxBytes } = options;
  return defineEffect({
    name: 'artifacts',
    async completed({ jobId }, completion) {
      if (completion.fromEarlierRun) return;
      // A task's value has no files and no offloaded form (its stub is a scrape result's shape).
      if (isTaskResult(completion.result)) return;
      if (completion.artifacts.length > 0) {
        // Named by file: a screenshot action's `action-<i>.png` and the screenshot format's file both have type "screenshot".
        if (!artifacts) throw new ArtifactStoreNotConfiguredError(`Storing ${completion.artifacts.map((file) => `"${file.name}"`).join(', ')} (the screenshot/pdf formats, screenshot actions)`);
        const refs = await artifacts.writer.save(jobId, completion.artifacts.map((file) => ({ ...file, type: typeOf(file.type) })));
        completion.result = { ...completion.result, artifacts: refs };
      }
      if (!artifacts) return;
      const json = resultJson(completion.result);
      if (!jsonOver(json, inlineMaxBytes)) return;
      const [ref] = await artifacts.writer.save(jobId, [{ name: RESULT_ARTIFACT_NAME, type: 'result', contentType: 'application/json', bytes: Buffer.from(json, 'utf8') }]);
      completion.result = offloadedResult(completion.result, ref!);
    },
  });
}
