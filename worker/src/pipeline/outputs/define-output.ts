/**
 * @module worker/pipeline/outputs/define-output
 * An output is one module that reads the fetched Page and returns its part of the job's result,
 * declared like a Hono middleware factory:
 *
 * ```ts
 * export const titleOutput = defineOutput({
 *   name: 'title',
 *   wanted: (options) => options.extract !== undefined,  // optional: default, every job
 *   async run(page, options, ctx) { return { result: { title: ... } }; },
 * });
 * ```
 *
 * The contract, for every output (pipeline/outputs/index.ts registers them):
 * - `run(page, options, ctx)`: `page` is the run's Page (pipeline/page/page.ts: url, finalUrl,
 *   status, contentType, headers, html, fetchedAt, bytes), never changed; `options` is the job's
 *   validated options (`ctx.options`); `ctx` the JobContext (jobId, tenant, attempt, signal,
 *   deadline, logger).
 * - It returns `{ result?, artifacts? }`: fields merged into the stored JobResult, and files
 *   (screenshots, PDFs) for the artifacts effect. Two outputs never fill the same field.
 * - It is bounded in time and memory on hostile pages (yield to the event loop, stop at a size
 *   cap, watch `ctx.signal`), and fails the job by throwing a typed error from worker/src/errors/
 *   (the class is the retry policy).
 * - `needsBrowser: true` runs it inside the render stage while the browser page is still leased
 *   (`page.browser` is set); a job in `http` mode that wants it is invalid (request stage).
 *
 * Format modules (worker/src/formats/, `defineFormat` with the same `run(page, options, ctx)`
 * shape) plug in as outputs: either one output that runs the job's `formats` through the
 * format registry, or one `defineOutput` per format.
 */
import type { JobRequest } from '../../../../shared/job-schema.ts';
import type { JobResult } from '../../../../shared/job-result.ts';
import type { JobContext } from '../job-context.ts';
import type { Page } from '../page/page.ts';

/** What the pipeline itself writes; outputs fill the rest. */
type PipelineFields = 'url' | 'finalUrl' | 'httpStatus' | 'fetchedAt' | 'durationMs' | 'mode' | 'attempt';

/** The result fields an output may fill. */
export type OutputResult = Partial<Omit<JobResult, PipelineFields>>;

/** A file an output produced, before the artifact store holds it. */
export interface OutputArtifact {
  name: string;
  /** What kind of file: `screenshot`, `pdf`, ... */
  type: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface OutputPart {
  result?: OutputResult;
  artifacts?: readonly OutputArtifact[];
}

export interface OutputDefinition {
  readonly name: string;
  /** Runs on the live browser page inside the render stage (browser-mode jobs only). */
  readonly needsBrowser: boolean;
  /** Whether this job asked for it. */
  wanted(options: JobRequest): boolean;
  run(page: Page, options: JobRequest, ctx: JobContext): Promise<OutputPart>;
}

export function defineOutput(definition: {
  name: string;
  needsBrowser?: boolean;
  wanted?: (options: JobRequest) => boolean;
  run: OutputDefinition['run'];
}): OutputDefinition {
  return {
    name: definition.name,
    needsBrowser: definition.needsBrowser ?? false,
    wanted: definition.wanted ?? (() => true),
    run: definition.run,
  };
}
