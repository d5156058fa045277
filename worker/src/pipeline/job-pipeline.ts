/**
 * @module worker/pipeline/job-pipeline
 * The work of one run of a scrape job, apart from BullMQ: finish from a stored result if an
 * earlier run left one, else pass the politeness gate, fetch or render, extract, store the
 * result and run the completion effects. The processor (processor.ts) only maps what this
 * throws to BullMQ moves.
 */
import { normalizeExtract, type JobData, type JobMode } from '../../../shared/job-schema.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import type { PageRenderer } from '../browser/page-renderer.ts';
import { extractFromHtml, notExtracted } from '../extract/extract-fields.ts';
import type { HttpFetcher } from '../http/http-fetcher.ts';
import type { PolitenessGate } from '../politeness-gate.ts';
import type { ResultStore } from '../result-store.ts';
import { withAdmission } from './acquire/admission.ts';
import { fetchStage } from './fetch/fetch-stage.ts';
import type { JobContext } from './job-context.ts';
import type { Loader } from './page/page.ts';
import { renderStage } from './render/render-stage.ts';

export interface JobPipelineOptions {
  fetcher: HttpFetcher;
  renderer: PageRenderer;
  resultStore: ResultStore;
  /** Robots, per-domain limits and cooldowns around each fetch; none when omitted. */
  politeness?: PolitenessGate;
  /** Largest extraction result in bytes (QUARRY_MAX_RESULT_BYTES); past it the job fails without a retry. */
  maxResultBytes?: number;
  /** After the result is stored: batch counters, the result callback. Must be idempotent per job id. */
  onCompleted?: (jobId: string, data: JobData, result: JobResult) => Promise<void>;
}

export type JobPipeline = (ctx: JobContext) => Promise<JobResult>;

export function createJobPipeline(options: JobPipelineOptions): JobPipeline {
  const { fetcher, renderer, resultStore, onCompleted, politeness, maxResultBytes } = { ...options };
  const loaders: Record<JobMode, Loader> = { http: fetchStage(fetcher), browser: renderStage(renderer) };

  /**
   * A result under this job id means an earlier run fetched the page and stored it, then died or
   * failed before BullMQ recorded the finish (a SIGKILL, a broker restart): finish from it
   * instead of fetching the page again. Only successes store results, so a job retried after a
   * failure never takes this path.
   */
  async function finishFromStored(ctx: JobContext): Promise<JobResult | undefined> {
    // One GET: a miss (every first run) costs what an EXISTS would, and a hit needs the value.
    const stored = await resultStore.get(ctx.jobId);
    if (!stored) return undefined;
    await onCompleted?.(ctx.jobId, ctx.data, stored);
    return stored;
  }

  return async function runJob(ctx) {
    const { options: request, jobId } = ctx;
    const earlier = await finishFromStored(ctx);
    if (earlier) return earlier;
    const started = performance.now();
    const fetchedAt = new Date().toISOString();
    const page = await withAdmission(politeness, ctx, (admission) => loaders[request.mode]({ ctx, admission, fetchedAt }));
    const rules = normalizeExtract(request.extract);
    // Yields to the event loop while it runs and stops at the result cap or the work budget.
    const { title, extract } = page.html === null ? notExtracted(rules) : await extractFromHtml(page.html, rules, maxResultBytes === undefined ? {} : { maxResultBytes });
    const durationMs = Math.round(performance.now() - started);
    const result: JobResult = {
      url: request.url, finalUrl: page.finalUrl, httpStatus: page.status, title, extract,
      fetchedAt, durationMs, mode: request.mode, attempt: ctx.attempt,
    };
    await resultStore.put(jobId, result);
    await onCompleted?.(jobId, ctx.data, result);
    return result;
  };
}
