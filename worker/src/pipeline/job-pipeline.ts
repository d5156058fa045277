/**
 * @module worker/pipeline/job-pipeline
 * The work of one run of a scrape job, apart from BullMQ; processor.ts maps what it throws to
 * BullMQ moves. The stages, each in its own folder:
 *
 *   request  (request/)  what this run does: loader by mode, the outputs the job wants
 *   acquire  (acquire/)  the politeness gate around the load; a browser job leases its page first
 *   fetch    (fetch/)    HTTP, or
 *   render   (render/)   the browser (outputs that need the live page run here)
 *   page     (page/)     the Page every output reads
 *   outputs  (outputs/)  title + extract today; formats plug in as more outputs
 *   effects  (../effects/) result store, batch counters, callbacks
 *
 * A run whose job already has a stored result (an earlier run stored it and died before
 * BullMQ recorded the finish) skips to the effects with that result.
 */
import type { JobData, JobMode } from '../../../shared/job-schema.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import type { PageRenderer } from '../browser/page-renderer.ts';
import type { HttpFetcher } from '../http/http-fetcher.ts';
import type { PolitenessGate } from '../politeness-gate.ts';
import type { ResultStore } from '../result-store.ts';
import { withAdmission } from './acquire/admission.ts';
import { fetchStage } from './fetch/fetch-stage.ts';
import type { JobContext } from './job-context.ts';
import { emptyOutputs, runOutputs, type OutputDefinition } from './outputs/index.ts';
import type { Loader } from './page/page.ts';
import { renderStage } from './render/render-stage.ts';
import { planRequest } from './request/request-plan.ts';

export interface JobPipelineOptions {
  fetcher: HttpFetcher;
  renderer: PageRenderer;
  resultStore: ResultStore;
  /** The outputs this worker produces (outputs/index.ts `createOutputs`). */
  outputs: readonly OutputDefinition[];
  /** Robots, per-domain limits and cooldowns around each fetch; none when omitted. */
  politeness?: PolitenessGate;
  /** After the result is stored: batch counters, the result callback. Must be idempotent per job id. */
  onCompleted?: (jobId: string, data: JobData, result: JobResult) => Promise<void>;
}

export type JobPipeline = (ctx: JobContext) => Promise<JobResult>;

export function createJobPipeline(options: JobPipelineOptions): JobPipeline {
  const { fetcher, renderer, resultStore, outputs, onCompleted, politeness } = { ...options };
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
    const plan = planRequest(request, outputs);
    const started = performance.now();
    const fetchedAt = new Date().toISOString();
    const produced = emptyOutputs();
    const page = await withAdmission(politeness, ctx, (admission) => loaders[plan.mode]({
      ctx, admission, fetchedAt,
      ...(plan.browserOutputs.length > 0 ? { whileLive: async (live) => void await runOutputs(plan.browserOutputs, live, ctx, produced) } : {}),
    }));
    await runOutputs(plan.pageOutputs, page, ctx, produced);
    const durationMs = Math.round(performance.now() - started);
    const result: JobResult = {
      url: request.url, finalUrl: page.finalUrl, httpStatus: page.status,
      // What a result holds when no output filled these (every job runs the extract output today).
      title: null, extract: {},
      ...produced.result,
      fetchedAt, durationMs, mode: request.mode, attempt: ctx.attempt,
    };
    await resultStore.put(jobId, result);
    await onCompleted?.(jobId, ctx.data, result);
    return result;
  };
}
