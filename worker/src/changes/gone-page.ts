/**
 * @module worker/changes/gone-page
 * A tracked page that answers 404 or 410 no longer exists: for a job with `changeTracking`
 * that is an outcome to report (`change.status: "removed"`), not a failure, so the pipeline
 * completes it with this result. Without change tracking a 404 fails the job as before.
 */
import type { JobRequest } from '../../../shared/job-schema.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import { PermanentHttpStatusError } from '../errors/fetch-errors.ts';

const GONE = new Set([404, 410]);

/** The status of a tracked page that is gone, or undefined when `error` is something else. */
export function goneStatus(request: JobRequest, error: unknown): number | undefined {
  if (!request.changeTracking || !(error instanceof PermanentHttpStatusError) || !GONE.has(error.status)) return undefined;
  return error.status;
}

export function goneResult(request: JobRequest, status: number, fetchedAt: string, durationMs: number, attempt: number): JobResult {
  return { url: request.url, finalUrl: request.url, httpStatus: status, title: null, extract: {}, fetchedAt, durationMs, mode: request.mode, attempt };
}
