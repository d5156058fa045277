/**
 * @module shared/result-offload
 * Results over the inline threshold (QUARRY_RESULT_INLINE_MAX_BYTES) live in the artifact
 * store as `result.json`; the result store keeps a stub that says so. The stub holds what a
 * listing needs (the fetch, the title, the artifacts, a change-tracking status without its
 * diff, which `callbackOn: "change"` decides on) and names in `offloaded` the fields that only
 * the stored file holds in full. Readers that need the whole result (exports) fetch the file.
 */
import type { ArtifactRef, JobResult } from './job-result.ts';

/** Name of the full result among a stub's artifacts. */
export const RESULT_ARTIFACT_NAME = 'result.json';

/** Longest title a stub keeps inline; a longer one is offloaded with the rest. */
export const STUB_TITLE_MAX_CHARS = 1_000;

/** What the pipeline itself writes: always in the stub. */
const STUB_FIELDS = ['url', 'finalUrl', 'httpStatus', 'fetchedAt', 'durationMs', 'mode', 'attempt'] as const;

/** The stub that stands for `result`, whose whole JSON is stored as `ref`. */
export function offloadedResult(result: JobResult, ref: ArtifactRef): JobResult {
  const stub = Object.fromEntries(STUB_FIELDS.map((field) => [field, result[field]])) as Pick<JobResult, (typeof STUB_FIELDS)[number]>;
  const titleFits = result.title === null || result.title.length <= STUB_TITLE_MAX_CHARS;
  const offloaded = Object.keys(result).filter((field) => !(STUB_FIELDS as readonly string[]).includes(field) && field !== 'artifacts' && (field !== 'title' || !titleFits));
  return {
    ...stub,
    title: titleFits ? result.title : null,
    extract: {},
    artifacts: [...(result.artifacts ?? []), ref],
    ...(result.change ? { change: { ...result.change, diff: null } } : {}),
    offloaded,
  };
}

/** The `result.json` artifact of a stub, or undefined for a whole result. */
export function offloadedRef(result: JobResult): ArtifactRef | undefined {
  if (!result.offloaded) return undefined;
  return result.artifacts?.find((artifact) => artifact.type === 'result' && artifact.name === RESULT_ARTIFACT_NAME);
}
