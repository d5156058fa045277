/**
 * @module worker/tasks/run-task
 * The processor's path for task jobs (`task:<name>`), in place of the scrape pipeline: find the
 * task, check its input, take its fleet-wide rate slot, run the handler with its context under
 * the task's timeout, store the result and run the same effects as a scrape (result store,
 * batch counters, callbacks). A run whose result an earlier run stored (it died before BullMQ
 * recorded the finish) finishes from that result without running the handler again.
 *
 * Containment: the handler's errors (thrown or rejected) fail the run by their class; a handler
 * that hangs is abandoned at `timeoutMs` (its signal aborts, so its ctx.fetch calls end; the
 * promise itself cannot be killed and is left to settle on its own, its outcome ignored).
 * Unhandled rejections are caught process-wide (contain-rejections.ts). A handler that blocks
 * the event loop is NOT contained: see README "Writing tasks".
 */
import { WaitingChildrenError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { taskJobDataSchema, type TaskJobData, type TaskResult } from '../../../shared/tasks/task-request.ts';
import { isTaskResult } from '../../../shared/job-result.ts';
import { extractSchema, normalizeExtract } from '../../../shared/job-schema.ts';
import type { JobEffects } from '../effects/job-effects.ts';
import { InvalidJobError, RetryableError, RetryLaterError } from '../errors/index.ts';
import { extractFromHtml } from '../extract/extract-fields.ts';
import type { HttpFetcher } from '../http/http-fetcher.ts';
import type { PageSessions } from '../browser/page-renderer.ts';
import type { PolitenessGate } from '../politeness/index.ts';
import type { ResultStore } from '../result-store.ts';
import { createTaskChildren } from './task-children.ts';
import type { TaskContext } from './task-context.ts';
import { InvalidTaskInputError, TaskResultError, TaskTimeoutError, TaskUsageError, UnknownTaskError } from './task-errors.ts';
import { createTaskFetch } from './task-fetch.ts';
import type { TaskMetrics } from './task-metrics.ts';
import type { TaskRateLimiter } from './task-rate-limit.ts';
import type { TaskRegistry } from './task-registry.ts';

/** What BullMQ keeps as the task job's return value (the result itself is in the result store). */
export interface TaskSummary {
  task: string;
  durationMs: number;
  attempt: number;
}

export interface TaskRunnerOptions {
  registry: TaskRegistry;
  fetcher: HttpFetcher;
  /** Pages for browser-mode tasks (ctx.page). */
  pages: PageSessions;
  politeness?: PolitenessGate;
  effects: JobEffects;
  resultStore: ResultStore;
  rateLimiter: TaskRateLimiter;
  queue: Queue;
  broker: Redis;
  metrics?: TaskMetrics;
  maxResultBytes: number;
}

export interface TaskRun {
  job: Job;
  token: string | undefined;
  attempt: number;
  firstStart: boolean;
  signal: AbortSignal;
  logger: Logger;
}

export type TaskRunner = (run: TaskRun) => Promise<TaskSummary>;

export function parseTaskJobData(job: Pick<Job, 'data' | 'name'>): TaskJobData {
  const parsed = taskJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new InvalidJobError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`));
  if (job.name !== `task:${parsed.data.request.task}`) throw new InvalidJobError([`name: job name "${job.name}" is not task:${parsed.data.request.task}`]);
  return parsed.data;
}

/** The value as stored: JSON only, within the result cap. */
function storableValue(task: string, value: unknown, maxBytes: number): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TaskResultError(`Task "${task}" returned a value that is not JSON: ${(error as Error).message}`);
  }
  if (json === undefined) return null; // undefined (or a function): stored as null
  if (Buffer.byteLength(json) > maxBytes) throw new TaskResultError(`Task "${task}" returned ${Buffer.byteLength(json)} bytes of JSON, more than QUARRY_MAX_RESULT_BYTES=${maxBytes}`);
  return JSON.parse(json) as unknown;
}

/** An http-mode task's ctx: `page` says what it needs instead of being undefined. */
function withoutPage(ctx: Omit<TaskContext, 'page'>): TaskContext {
  return Object.defineProperty({ ...ctx }, 'page', {
    get() { throw new TaskUsageError(`ctx.page needs mode: 'browser' in the task's definition (task "${ctx.task}")`); },
    enumerable: false,
  }) as TaskContext;
}

export function createTaskRunner(options: TaskRunnerOptions): TaskRunner {
  const { registry, fetcher, pages, politeness, effects, resultStore, rateLimiter, queue, broker, metrics, maxResultBytes } = options;

  return async function runTask({ job, token, attempt, firstStart, signal, logger }) {
    const data = parseTaskJobData(job);
    const name = data.request.task;
    const task = registry.get(name);
    if (!task) throw new UnknownTaskError(name);
    const jobId = job.id!;
    const effectJob = { jobId, data };
    const earlier = await effects.recall(jobId);
    if (earlier && isTaskResult(earlier)) {
      await effects.completed(effectJob, { result: earlier, artifacts: [], fromEarlierRun: true });
      return { task: name, durationMs: earlier.durationMs, attempt: earlier.attempt };
    }
    const input = task.input.safeParse(data.request.input);
    if (!input.success) throw new InvalidTaskInputError(name, input.error.issues.map((issue) => `input.${issue.path.map(String).join('.')}: ${issue.message}`));
    // A parent back from waiting for its children took its rate slot on its first run.
    if (!data.resumed) await rateLimiter.admit(task, jobId, firstStart);

    const timeout = new AbortController();
    const runSignal = AbortSignal.any([signal, timeout.signal]);
    const startedAt = Date.now();
    const remainingMs = () => Math.max(1, startedAt + task.timeoutMs - Date.now());
    const log = logger.child({ task: name });
    const requests = createTaskFetch(fetcher, politeness, { jobId, signal: runSignal, firstStart, remainingMs });
    const children = createTaskChildren({
      job, token, data, queue, broker, registry, resultStore, onAdded: (count) => metrics?.childrenAdded(name, count),
    });
    const ctx: Omit<TaskContext, 'page'> = {
      jobId, task: name, attempt, signal: runSignal, log,
      fetch: (url, init) => { metrics?.fetched(name); return requests.fetch(url, init); },
      async extract(html, rules) {
        const parsed = extractSchema.safeParse(rules);
        if (!parsed.success) throw new TaskUsageError(`ctx.extract: invalid rules: ${parsed.error.issues[0]?.message ?? ''}`);
        return (await extractFromHtml(html, normalizeExtract(parsed.data), { maxResultBytes })).extract;
      },
      enqueue: (specs, enqueueOptions) => children.enqueue(specs, enqueueOptions),
      async children() {
        // Marked before the move: the resumed run must not take another rate slot.
        if (!data.resumed) await job.updateData({ ...data, resumed: true });
        return children.children();
      },
      progress: (value) => job.updateProgress(value),
    };

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timeout.abort(new TaskTimeoutError(name, task.timeoutMs));
        reject(new TaskTimeoutError(name, task.timeoutMs));
      }, task.timeoutMs);
    });
    const handled = task.mode === 'browser'
      ? pages.withPage({ signal: runSignal, onNavigation: (url) => { metrics?.fetched(name); return requests.navigate(url); } }, (page) => task.handler({ ...ctx, page }, input.data))
        .finally(() => requests.releaseNavigations())
      : Promise.resolve().then(() => task.handler(withoutPage(ctx), input.data));
    // Once abandoned (timeout, hand-back), the handler's late failure must not surface as unhandled.
    handled.catch(() => undefined);
    let value: unknown;
    try {
      value = await Promise.race([handled, timedOut]);
    } catch (error) {
      const seconds = (Date.now() - startedAt) / 1000;
      if (error instanceof WaitingChildrenError) metrics?.run(name, 'waiting-children');
      else if (error instanceof TaskTimeoutError) metrics?.run(name, 'timed-out', seconds);
      else if (error instanceof RetryLaterError) metrics?.run(name, 'deferred');
      else metrics?.run(name, 'failed', seconds);
      // A handler may throw anything; what is not an Error is retried like an unknown error.
      throw error instanceof Error ? error : new RetryableError(`Task "${name}" threw ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
    const durationMs = Date.now() - startedAt;
    const ids = children.ids();
    const result: TaskResult = {
      task: name, value: storableValue(name, value, maxResultBytes), finishedAt: new Date().toISOString(), durationMs, attempt,
      ...(ids.length > 0 ? { children: ids } : {}),
    };
    await effects.completed(effectJob, { result, artifacts: [], fromEarlierRun: false });
    metrics?.run(name, 'completed', durationMs / 1000);
    return { task: name, durationMs, attempt };
  };
}
