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
 * A job with `changeTracking` whose page answers 404/410 completes with a result saying so
 * (the change effect reports `removed`) instead of failing.
 *
 * A run whose job already has a stored result (an earlier run stored it and died before
 * BullMQ recorded the finish) skips to the effects with that result.
 */
import type { JobMode } from '../../../shared/job-schema.ts';
import { isTaskResult, type JobResult } from '../../../shared/job-result.ts';
import type { PageRenderer } from '../browser/page-renderer.ts';
import type { HttpFetcher } from '../http/http-fetcher.ts';
import type { PolitenessGate } from '../politeness/index.ts';
import type { ProxyRouter } from '../proxies/proxy-router.ts';
import type { JobEffects } from '../effects/job-effects.ts';
import { goneResult, goneStatus } from '../changes/gone-page.ts';
import { withAdmission } from './acquire/admission.ts';
import { fetchStage } from './fetch/fetch-stage.ts';
import type { JobContext } from './job-context.ts';
import { emptyOutputs, runOutputs, type OutputDefinition } from './outputs/index.ts';
import type { Loader } from './page/page.ts';
import { renderStage } from './render/render-stage.ts';
import { planRequest } from './request/request-plan.ts';
import { runActions } from '../actions/run-actions.ts';

export interface JobPipelineOptions {
  fetcher: HttpFetcher;
  renderer: PageRenderer;
  /** What a finished job changes: result store, batch counters, callbacks (effects/index.ts). */
  effects: JobEffects;
  /** The outputs this worker produces (outputs/index.ts `createOutputs`). */
  outputs: readonly OutputDefinition[];
  /** Robots, per-domain limits and cooldowns around each fetch; none when omitted. */
  politeness?: PolitenessGate;
  /** Proxy pools and sticky sessions (worker/src/proxies/); every job direct when omitted. */
  proxies?: ProxyRouter;
}

export type JobPipeline = (ctx: JobContext) => Promise<JobResult>;

export function createJobPipeline(options: JobPipelineOptions): JobPipeline {
  const { fetcher, renderer, effects, outputs, politeness, proxies } = { ...options };
  const loaders: Record<JobMode, Loader> = { http: fetchStage(fetcher), browser: renderStage(renderer) };

  return async function runJob(ctx) {
    const { options: request, jobId } = ctx;
    const job = { jobId, data: ctx.data };
    const earlier = await effects.recall(jobId, ctx.data);
    // A task's result under a scrape job's id cannot happen (ids differ by kind); such a value is ignored.
    if (earlier && !isTaskResult(earlier)) {
      await effects.completed(job, { result: earlier, artifacts: [], fromEarlierRun: true });
      return earlier;
    }
    const plan = planRequest(request, outputs);
    const started = performance.now();
    const fetchedAt = new Date().toISOString();
    const produced = emptyOutputs();
    // The proxy is chosen before admission (a Redis call must not hold the domain's slot) and
    // settled inside it, so the gate sees what the proxy layer made of the error (a 429 as it was).
    const route = await proxies?.route(ctx);
    let page;
    try {
      page = await withAdmission(politeness, ctx, async (admission) => {
        try {
          const loaded = await loaders[plan.mode]({
            ctx, admission, fetchedAt, ...(route ? { route } : {}),
            // Browser actions run on the loaded page before its DOM is read, so every output sees what they left.
            ...(request.actions ? {
              beforeRead: async (browserPage) => {
                const done = await runActions(browserPage, request.actions!, () => ctx.deadline.remainingMs());
                produced.result.actions = done.result;
                produced.artifacts.push(...done.artifacts);
              },
            } : {}),
            // Captures (screenshot/pdf outputs on the live page, screenshot actions) see the page as people do: assets loaded.
            ...(plan.loadAssets ? { loadAssets: true } : {}),
            ...(plan.browserOutputs.length > 0 ? { whileLive: async (live) => void await runOutputs(plan.browserOutputs, live, ctx, produced) } : {}),
          });
          await route?.settle();
          return loaded;
        } catch (error) {
          throw route ? await route.settle(error) : error;
        }
      });
    } catch (error) {
      // A tracked page that answers 404/410 completes with change.status "removed" (changes/gone-page.ts).
      const gone = goneStatus(request, error);
      if (gone === undefined) throw error;
      const result = goneResult(request, gone, fetchedAt, Math.round(performance.now() - started), ctx.attempt);
      await effects.completed(job, { result, artifacts: [], fromEarlierRun: false });
      return result;
    }
    await runOutputs(plan.pageOutputs, page, ctx, produced);
    const durationMs = Math.round(performance.now() - started);
    const result: JobResult = {
      url: request.url, finalUrl: page.finalUrl, httpStatus: page.status,
      // What a result holds when no output filled these (every job runs the extract output today).
      title: null, extract: {},
      ...produced.result,
      fetchedAt, durationMs, mode: request.mode, attempt: ctx.attempt,
    };
    // The effects may replace the result (the artifacts effect names the stored files, or
    // moves an oversized result to the store): what they stored is what the run returns.
    const completion = { result, artifacts: produced.artifacts, fromEarlierRun: false, page };
    await effects.completed(job, completion);
    return completion.result;
  };
}
