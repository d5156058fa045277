/**
 * @module worker/tasks/task-fetch
 * `ctx.fetch`: every request a task makes goes the way a plain job's page does — the politeness
 * gate (SSRF check first, robots.txt, one limiter call for the domain's slot, one per redirect
 * hop to another domain, 429/503 cooldowns) around the worker's own HTTP fetcher (pinned guarded
 * connections, body cap, deadline).
 *
 * Each request takes its own slot under an id of its own (`<jobId>~f<n>`, n counting the run's
 * requests in call order), so parallel requests of one task never share a grant. A slot that is
 * not free now is reserved for that id: the request sleeps until it when it falls within the
 * task's remaining time, otherwise the whole run is deferred (RetryLaterError, no attempt spent)
 * and the re-run's n-th request, the same id, claims the reservation.
 */
import { z } from 'zod';
import { encodeRequestBody, requestBodySchema, requestHeadersSchema, requestMethodSchema } from '../../../shared/scrape-options/index.ts';
import type { FetchRequest, HttpFetcher, FetchedPage } from '../http/http-fetcher.ts';
import { decodeText } from '../http/content-type.ts';
import type { GatePass, PolitenessGate } from '../politeness/index.ts';
import { DomainThrottledError } from '../politeness/politeness-gate.ts';
import type { TaskFetchInit, TaskResponse } from './task-context.ts';
import { TaskUsageError } from './task-errors.ts';

export interface TaskFetchRun {
  jobId: string;
  signal: AbortSignal;
  /** The job's first start: its requests cannot hold reservations yet (one Redis command less each). */
  firstStart: boolean;
  /** Milliseconds left of the task's timeoutMs. */
  remainingMs(): number;
}

/** A slot this close to the deadline is not waited for: the request would have no time left to run. */
const MIN_REQUEST_MS = 1_000;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal.reason); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `init` checked with the schemas of a job's request options (shared/scrape-options/request-options.ts). */
const initSchema = z.strictObject({
  method: requestMethodSchema.optional(),
  headers: requestHeadersSchema.optional(),
  body: requestBodySchema.optional(),
  timeoutMs: z.number().positive().optional(),
});

/** What the fetcher sends; undefined for a plain GET (the fetcher's constant headers). */
function fetchRequestOf(init: z.output<typeof initSchema>): FetchRequest | undefined {
  const method = init.method ?? 'GET';
  if (init.body !== undefined && (method === 'GET')) throw new TaskUsageError('ctx.fetch: a body needs a method other than GET');
  if (method === 'GET' && init.headers === undefined) return undefined;
  return { method, headers: init.headers ?? {}, body: init.body === undefined ? undefined : encodeRequestBody(init.body) };
}

function responseOf(fetched: FetchedPage): TaskResponse {
  const body = fetched.body ?? Buffer.alloc(0);
  let text: string | undefined;
  const decoded = () => (text ??= fetched.html ?? decodeText(body, fetched.contentType ?? undefined));
  return {
    url: fetched.url, finalUrl: fetched.finalUrl, status: fetched.status, headers: fetched.headers,
    contentType: fetched.contentType, bytes: fetched.bytes,
    text: decoded,
    json: <T>() => JSON.parse(decoded()) as T,
  };
}

export function createTaskFetch(fetcher: HttpFetcher, gate: PolitenessGate | undefined, run: TaskFetchRun) {
  let requests = 0;
  /** Passes of ctx.page's navigations: held until the page session ends (a capped domain's lease covers the page's use). */
  const navigationPasses: GatePass[] = [];

  /** The gate's pass for `owner`, sleeping to a reserved slot that fits in the time left. */
  async function admit(owner: string, url: string, timeoutMs: number): Promise<GatePass | undefined> {
    if (!gate) return undefined;
    for (let firstTry = true; ; firstTry = false) {
      try {
        return await gate.enter(owner, { url, timeoutMs }, run.firstStart && firstTry);
      } catch (error) {
        if (!(error instanceof DomainThrottledError) || error.retryAfterMs + MIN_REQUEST_MS > run.remainingMs()) throw error;
        await abortableSleep(error.retryAfterMs, run.signal);
      }
    }
  }

  /** A main-frame navigation of ctx.page: the same admission as a request, under its own id. */
  async function navigate(url: URL): Promise<void> {
    requests += 1;
    const pass = await admit(`${run.jobId}~f${requests}`, url.href, run.remainingMs());
    if (pass) navigationPasses.push(pass);
  }

  async function releaseNavigations(): Promise<void> {
    await Promise.all(navigationPasses.splice(0).map((pass) => pass.release()));
  }

  async function taskFetch(url: string, init: TaskFetchInit = {}): Promise<TaskResponse> {
    const parsed = initSchema.safeParse(init);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TaskUsageError(`ctx.fetch: init.${issue.path.map(String).join('.')}: ${issue.message}`);
    }
    const request = fetchRequestOf(parsed.data);
    requests += 1;
    const owner = `${run.jobId}~f${requests}`;
    const pass = await admit(owner, url, run.remainingMs());
    try {
      const timeoutMs = Math.max(1, Math.min(parsed.data.timeoutMs ?? Infinity, run.remainingMs()));
      const fetched = await fetcher.fetch(url, {
        timeoutMs, signal: run.signal, anyBody: true, urlChecked: pass?.urlChecked ?? false, ...(request ? { request } : {}),
        ...(pass ? { onRedirect: (hop: URL) => pass.hop(hop) } : {}),
      });
      return responseOf(fetched);
    } catch (error) {
      throw pass && gate ? await gate.onError(pass, error) : error;
    } finally {
      await pass?.release();
    }
  }

  return { fetch: taskFetch, navigate, releaseNavigations };
}
