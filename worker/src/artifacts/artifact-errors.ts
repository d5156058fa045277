/**
 * @module worker/artifacts/artifact-errors
 * The artifact store's failures as the worker's retry classes (worker/src/errors/retry-policy.ts).
 */
import { CriticalError, NonRetryableError, RetryableError } from '../errors/retry-policy.ts';
import { ArtifactTooLargeError, S3RequestError } from '../../../shared/artifacts/index.ts';

/** The job needs the store (a screenshot, a PDF, a large result) and this fleet has none. */
export class ArtifactStoreNotConfiguredError extends NonRetryableError {
  constructor(what: string) {
    super(`${what} needs an artifact store, and this worker has none: set QUARRY_ARTIFACT_DRIVER (s3 or local)`);
  }
}

/** The artifact is over QUARRY_ARTIFACT_MAX_BYTES: the same page gives the same size again. */
export class ArtifactOverCapError extends NonRetryableError {
  constructor(cause: ArtifactTooLargeError) {
    super(cause.message, { cause });
  }
}

/** The store did not answer, or answered 5xx/429: another attempt may succeed. */
export class ArtifactStoreUnavailableError extends RetryableError {
  constructor(cause: unknown) {
    super(`Artifact store unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/**
 * The store refused the worker's own credentials or bucket (403, 400, a missing bucket): every
 * job would fail the same way, so this worker stops taking jobs until it is fixed.
 */
export class ArtifactStoreMisconfiguredError extends CriticalError {
  constructor(cause: S3RequestError) {
    super(`Artifact store refused this worker (${cause.status}${cause.code ? ` ${cause.code}` : ''}): check QUARRY_ARTIFACT_* settings`, { cause });
  }
}

/** The error class that says what to do with a store failure. */
export function classifyStoreError(error: unknown): Error {
  if (error instanceof ArtifactTooLargeError) return new ArtifactOverCapError(error);
  if (error instanceof S3RequestError) {
    return error.status >= 500 || error.status === 429 ? new ArtifactStoreUnavailableError(error) : new ArtifactStoreMisconfiguredError(error);
  }
  if (error instanceof Error && (error.name === 'InvalidArtifactKeyError' || error instanceof NonRetryableError)) return error;
  return new ArtifactStoreUnavailableError(error);
}
