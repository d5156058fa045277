/**
 * @module worker/tasks/task-context
 * What a task's handler gets (`handler(ctx, input)`): the job's identity and signal, a logger,
 * and the worker's own guarded capabilities — fetch through the politeness gate and the SSRF
 * guard, the warm browser page, the streaming extractor, and fan-out to child jobs.
 */
import type { Logger } from 'pino';
import type { Page } from 'puppeteer-core';
import type { ExtractRule } from '../../../shared/job-schema.ts';
import type { RequestBody, RequestMethod } from '../../../shared/scrape-options/index.ts';
import type { TaskResult } from '../../../shared/tasks/task-request.ts';

/** One response of `ctx.fetch`; the body is read in full (under QUARRY_MAX_BODY_BYTES) before it resolves. */
export interface TaskResponse {
  /** The URL asked for. */
  readonly url: string;
  /** The URL after redirects (resolve relative links against it). */
  readonly finalUrl: string;
  readonly status: number;
  /** Response headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string | null;
  /** The body decoded as text (the charset of Content-Type, else UTF-8). */
  text(): string;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
  /** Decoded body size in bytes. */
  readonly bytes: number;
}

export interface TaskFetchInit {
  /** Default GET. A redirect continues as browsers do (303, and 301/302 after a POST, as GET without the body). */
  method?: RequestMethod;
  /** Sent on every hop (Authorization only to the first origin); the same headers are refused as in a job's `headers`. */
  headers?: Record<string, string>;
  /** A string (text/plain), `{json}` or `{form}`, as a job's `body`; not with GET. */
  body?: RequestBody;
  /** This request's own timeout; never past what is left of the task's `timeoutMs`. */
  timeoutMs?: number;
}

/** A child job: another task, or a plain scrape request (the body of POST /v1/jobs). */
export type ChildSpec =
  | { task: string; input?: unknown; key?: string; priority?: number; attempts?: number }
  | { url: string; key?: string; [option: string]: unknown };

export interface EnqueueOptions {
  /**
   * The parent waits for these children: `ctx.children()` then returns their results. Without
   * it the children run on their own (fire and forget) and the parent finishes whenever it does.
   */
  wait?: boolean;
}

/** A child's outcome, as `ctx.children()` returns it, in enqueue order. */
export interface ChildOutcome {
  id: string;
  status: 'completed' | 'failed';
  /** A task child's `value`, or a scrape child's whole result (title, extract, formats...). */
  value?: unknown;
  /** A failed child's last error. */
  error?: string;
}

export interface TaskContext {
  readonly jobId: string;
  readonly task: string;
  /** 1 for the first attempt; a run deferred by politeness spends none. */
  readonly attempt: number;
  /** Aborts at the task's timeoutMs, on cancel and on the worker's shutdown hand-back. */
  readonly signal: AbortSignal;
  /** A pino logger bound to the job (jobId, task, attempt). */
  readonly log: Logger;
  /**
   * Requests `url` (GET unless `init` says otherwise) the way plain jobs fetch: SSRF guard on every hop, robots.txt, the fleet-wide
   * per-domain limits (one limiter call per request and redirect hop), 429/503 cooldowns, the
   * body cap and the task's deadline. A 4xx/5xx throws the same error classes as a job's fetch.
   */
  fetch(url: string, init?: TaskFetchInit): Promise<TaskResponse>;
  /**
   * Mode `browser` only (a TaskUsageError otherwise): a warm Chromium page from the worker's pool,
   * behind the SSRF guard, every main-frame navigation through robots.txt and the domain's limits;
   * reset (cookies, storage, history) when the run ends, closed after a failure or a timeout.
   */
  readonly page: Page;
  /** Quarry's extractor on `html`: name → CSS selector, the same rules as a job's `extract`. */
  extract(html: string, rules: Record<string, string | ExtractRule>): Promise<Record<string, string | string[] | null>>;
  /** Adds child jobs (idempotent per parent run: the same call on a re-run names the same children). */
  enqueue(children: ChildSpec | readonly ChildSpec[], options?: EnqueueOptions): Promise<string[]>;
  /**
   * The outcomes of the children enqueued with `wait: true`. If any is still running, the run
   * stops here (BullMQ waiting-children, no worker slot held) and the handler runs again from
   * the top once they have all finished; calls before this one should be cheap or idempotent.
   */
  children(): Promise<ChildOutcome[]>;
  /** Sets the job's progress (0-100, or any JSON), visible in GET /v1/jobs/:id and SSE. */
  progress(value: number | Record<string, unknown>): Promise<void>;
}

export type { TaskResult };
