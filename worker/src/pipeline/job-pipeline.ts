/**
 * @module worker/pipeline/job-pipeline
 * The work of one run of a scrape job, apart from BullMQ: finish from a stored result if an
 * earlier run left one, else pass the politeness gate, fetch or render, extract, store the
 * result and run the completion effects. The processor (processor.ts) only maps what this
 * throws to BullMQ moves.
 */
import { normalizeExtract, type JobData } from '../../../shared/job-schema.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import type { PageRenderer } from '../browser/page-renderer.ts';
import { extractFromHtml, notExtracted } from '../extract/extract-fields.ts';
import type { FetchedPage, HttpFetcher } from '../http/http-fetcher.ts';
import type { GatePass, PolitenessGate } from '../politeness-gate.ts';
import type { ResultStore } from '../result-store.ts';
import type { JobContext } from './job-context.ts';

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
    // The pass is taken right before the request: robots and slot first, nothing slow after. A
    // browser job takes it once a page is free (render's `admit`): its slot is not spent waiting
    // for a page, and its timeout starts there. Later hops (a redirect, a script's navigation)
    // pass the gate for their own site too.
    const gate: { pass?: GatePass } = {};
    const admit = politeness ? async () => { gate.pass = await politeness.enter(jobId, request, ctx.firstStart); } : undefined;
    const hop = politeness ? (url: URL) => gate.pass!.hop(url) : undefined;
    let page: FetchedPage;
    try {
      if (request.mode === 'browser') {
        page = await renderer.render({ url: request.url, timeoutMs: request.timeoutMs, waitFor: request.waitFor, signal: ctx.signal, ...(admit && hop ? { admit, onNavigation: hop } : {}) });
      } else {
        await admit?.();
        page = await fetcher.fetch(request.url, { timeoutMs: request.timeoutMs, signal: ctx.signal, urlChecked: gate.pass?.urlChecked ?? false, ...(hop ? { onRedirect: hop } : {}) });
      }
    } catch (error) {
      throw gate.pass && politeness ? await politeness.onError(gate.pass, error) : error;
    } finally {
      await gate.pass?.release();
    }
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
