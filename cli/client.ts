/**
 * @module cli/client
 * A small typed client for the edge API: bearer auth, problem+json turned into typed errors.
 */
import type { batchAcceptedSchema, batchViewSchema, jobAcceptedSchema, jobViewSchema } from '../edge/src/openapi/schemas.ts';
import type { z } from 'zod';
import type { crawlViewSchema } from '../edge/src/crawls/crawl-schemas.ts';
import type { Connection } from './config.ts';
import { ApiProblemError, NetworkError, type FieldError } from './errors.ts';

export type BatchAccepted = z.infer<typeof batchAcceptedSchema>;
export type BatchView = z.infer<typeof batchViewSchema>;
export type JobView = z.infer<typeof jobViewSchema>;
export type JobAccepted = z.infer<typeof jobAcceptedSchema>;
export type CrawlView = z.infer<typeof crawlViewSchema>;

/** What the schedule routes answer (edge/src/schedules/schedule-view.ts). */
export interface ScheduleStored { id: string; name: string; cron: string | null; timezone: string | null; everyMs: number | null; enabled: boolean; nextFireAt: string | null; statusUrl: string }
export interface ScheduleSummary extends Omit<ScheduleStored, 'statusUrl'> { kind: 'job' | 'batch' | 'crawl'; lastFireAt: string | null; lastError: { message: string; at: string | null } | null; fired: number; skipped: number }
/** `GET /v1/schedules/:id` (edge/src/schedules/schedule-view.ts). */
export interface ScheduleView extends Omit<ScheduleSummary, 'kind'> { target: Record<string, unknown>; overlap: 'skip' | 'allow'; catchUp: boolean; runs: { runId: string; kind: string; firedAt: string | null; manual: boolean; status: string; state: string; statusUrl: string | null }[] }
export interface ScheduleRunQueued { scheduleId: string; runId: string; kind: 'job' | 'batch' | 'crawl'; statusUrl: string }

/** `GET /v1/jobs` (edge/src/jobs/list-jobs.ts). */
export interface JobSummary { id: string; mode: string | null; url: string | null; error: string | null; finishedAt: string | null; attemptsMade: number }
export interface JobPage { status: string; total: number | null; jobs: JobSummary[]; nextCursor: string | null }
/** `DELETE /v1/jobs/:id` and `POST /v1/jobs/:id/retry`. */
export interface JobActionAnswer { id: string; status: string; previous: string }
/** `GET /v1/domains/:host` (edge/src/domains/domain-state.ts). */
export interface DomainView {
  domain: string;
  override: Record<string, unknown> | null;
  defaults: { rates: { max: number; perMs: number }[]; concurrency: number; published: boolean };
  effective: { rates: { max: number; perMs: number }[]; concurrency: number };
  usage: { windows: { max: number; perMs: number; used: number }[]; activeLeases: number; reservedAhead: number; nextSlotAt: string; holdMs: number };
  cooldownUntil: string | null;
  robots: { origin: string; outcome: string | null; status: number; fetchedAt: string | null }[];
}
/** `POST /v1/map` (worker/src/crawls/map-job.ts). */
export interface MapAnswer { url: string; count: number; links: string[]; notes: string[]; [field: string]: unknown }

/** The server caps a long poll at 60 s; longer waits are several polls. */
export const MAX_WAIT_SECONDS = 60;
/** Time allowed for an answer on top of any long-poll wait. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface QuarryClientOptions extends Connection {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export class QuarryClient {
  readonly endpoint: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;

  constructor(options: QuarryClientOptions) {
    this.endpoint = options.endpoint;
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? fetch;
  }

  /** `POST /v1/batches`; the idempotency key makes a retried submission name the same jobs. */
  createBatch(body: unknown, idempotencyKey?: string): Promise<BatchAccepted> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    return this.#request('POST', '/v1/batches', { headers, body: JSON.stringify(body) });
  }

  /** `POST /v1/jobs`. */
  createJob(body: unknown): Promise<JobAccepted> {
    return this.#request('POST', '/v1/jobs', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /**
   * `GET /v1/batches/:id/results` from item `cursor` on, as a streamed response (the caller reads
   * the body); a non-2xx answer throws like every other call.
   */
  async openResults(batchId: string, format: 'jsonl' | 'csv', cursor: number, signal: AbortSignal): Promise<Response> {
    let response: Response;
    // The timeout covers the answer's start only: the body streams for as long as the export is.
    const started = AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    const controller = new AbortController();
    const onAbort = () => controller.abort(started.reason);
    started.addEventListener('abort', onAbort, { once: true });
    try {
      response = await this.#fetch(`${this.endpoint}/v1/batches/${encodeURIComponent(batchId)}/results?format=${format}&cursor=${cursor}`, {
        headers: { authorization: `Bearer ${this.#apiKey}` },
        signal: controller.signal,
      });
    } catch (error) {
      throw new NetworkError(this.endpoint, error);
    } finally {
      started.removeEventListener('abort', onAbort);
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    if (!response.ok) throw problemFrom(response, await response.text().catch(() => ''));
    return response;
  }

  /** A signed artifact URL (no API key: the signature is the authorization). */
  async download(url: string): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await this.#fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw new NetworkError(new URL(url).origin, error);
    }
    if (!response.ok) throw problemFrom(response, await response.text().catch(() => ''));
    return new Uint8Array(await response.arrayBuffer());
  }

  getBatch(batchId: string): Promise<BatchView> {
    return this.#request('GET', `/v1/batches/${encodeURIComponent(batchId)}`);
  }

  /** `GET /v1/jobs/:id`, long-polling up to `waitSeconds` (≤ 60) for the job to finish. */
  getJob(jobId: string, waitSeconds = 0): Promise<JobView> {
    const query = waitSeconds > 0 ? `?wait=${Math.min(MAX_WAIT_SECONDS, waitSeconds)}` : '';
    return this.#request('GET', `/v1/jobs/${encodeURIComponent(jobId)}${query}`, {}, waitSeconds * 1000);
  }

  /** `POST /v1/crawls`. */
  createCrawl(body: unknown): Promise<{ id: string; status: string; duplicate: boolean; statusUrl: string }> {
    return this.#request('POST', '/v1/crawls', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  getCrawl(crawlId: string): Promise<CrawlView> {
    return this.#request('GET', `/v1/crawls/${encodeURIComponent(crawlId)}`);
  }

  cancelCrawl(crawlId: string): Promise<{ id: string; status: string; removed: number; running: number }> {
    return this.#request('DELETE', `/v1/crawls/${encodeURIComponent(crawlId)}`);
  }

  /** `GET /v1/crawls/:id/pages` as NDJSON: one page record (with its result) per line, as they arrive. */
  async *crawlPageLines(crawlId: string, status?: string): AsyncGenerator<string> {
    const query = status ? `?status=${encodeURIComponent(status)}` : '';
    let response: Response;
    try {
      response = await this.#fetch(`${this.endpoint}/v1/crawls/${encodeURIComponent(crawlId)}/pages${query}`, {
        headers: { accept: 'application/x-ndjson', authorization: `Bearer ${this.#apiKey}` },
      });
    } catch (error) {
      throw new NetworkError(this.endpoint, error);
    }
    if (!response.ok || !response.body) throw problemFrom(response, await response.text());
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    let buffered = '';
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      buffered += decoder.decode(read.value, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line) yield line;
    }
    if (buffered.trim()) yield buffered;
  }

  /** `POST /v1/schedules` (schedule-schema.ts body); answers the stored schedule with its first fire time. */
  createSchedule(body: unknown): Promise<ScheduleStored> {
    return this.#request('POST', '/v1/schedules', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  listSchedules(): Promise<{ schedules: ScheduleSummary[] }> {
    return this.#request('GET', '/v1/schedules');
  }

  async deleteSchedule(id: string): Promise<void> {
    await this.#request('DELETE', `/v1/schedules/${encodeURIComponent(id)}`);
  }

  runSchedule(id: string): Promise<ScheduleRunQueued> {
    return this.#request('POST', `/v1/schedules/${encodeURIComponent(id)}/run`);
  }

  /** `GET /v1/jobs?status=&limit=&cursor=`: one page of jobs in a state (`total` is null for a tenant key). */
  listJobs(status: string, limit: number, cursor?: string): Promise<JobPage> {
    const query = new URLSearchParams({ status, limit: String(limit), ...(cursor ? { cursor } : {}) });
    return this.#request('GET', `/v1/jobs?${query}`);
  }

  /** `DELETE /v1/jobs/:id`: only a job that has not started (409 otherwise). */
  cancelJob(jobId: string): Promise<JobActionAnswer> {
    return this.#request('DELETE', `/v1/jobs/${encodeURIComponent(jobId)}`);
  }

  /** `POST /v1/jobs/:id/retry`: only a failed job (409 otherwise). */
  retryJob(jobId: string): Promise<JobActionAnswer> {
    return this.#request('POST', `/v1/jobs/${encodeURIComponent(jobId)}/retry`);
  }

  /** `GET /v1/domains/:host`: limits, usage, cooldown and robots.txt copies. */
  getDomain(host: string): Promise<DomainView> {
    return this.#request('GET', `/v1/domains/${encodeURIComponent(host)}`);
  }

  /** `PUT /v1/domains/:host/limits` (admin scope). */
  putDomainLimits(host: string, limits: unknown): Promise<{ domain: string; limits: unknown }> {
    return this.#request('PUT', `/v1/domains/${encodeURIComponent(host)}/limits`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(limits) });
  }

  /** `DELETE /v1/domains/:host/limits`: back to the fleet defaults (admin scope). */
  deleteDomainLimits(host: string): Promise<{ domain: string; limits: null }> {
    return this.#request('DELETE', `/v1/domains/${encodeURIComponent(host)}/limits`);
  }

  /** `POST /v1/map`: the server waits up to 30 s for a worker, so the timeout allows that. */
  map(body: unknown): Promise<MapAnswer> {
    return this.#request('POST', '/v1/map', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, 30_000);
  }

  /** `GET /v1/schedules/:id`: the definition (with its target), the next fire time and the last runs. */
  getSchedule(id: string): Promise<ScheduleView> {
    return this.#request('GET', `/v1/schedules/${encodeURIComponent(id)}`);
  }

  /** `PUT /v1/schedules/:id`: the whole definition replaces the stored one. */
  putSchedule(id: string, body: unknown): Promise<ScheduleStored> {
    return this.#request('PUT', `/v1/schedules/${encodeURIComponent(id)}`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /**
   * `GET /v1/jobs/:id/events` (Server-Sent Events): yields each event until the server closes
   * the stream (after the job's final event, or its 5-minute limit).
   */
  async *jobEvents(jobId: string, signal?: AbortSignal): AsyncGenerator<{ event: string; data: string }> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.endpoint}/v1/jobs/${encodeURIComponent(jobId)}/events`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${this.#apiKey}` },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw new NetworkError(this.endpoint, error);
    }
    if (!response.ok || !response.body) throw problemFrom(response, await response.text());
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    let buffered = '';
    let event = 'message';
    let data: string[] = [];
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      buffered += decoder.decode(read.value, { stream: true });
      const lines = buffered.split(/\r\n|\r|\n/);
      buffered = lines.pop()!;
      // The SSE line format (WHATWG HTML §9.2.6), the fields the edge sends: event, data; a blank line dispatches.
      for (const line of lines) {
        if (line === '') {
          if (data.length > 0) yield { event, data: data.join('\n') };
          event = 'message';
          data = [];
        } else if (line.startsWith('event:')) event = line.slice(6).trimStart();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
    }
    if (data.length > 0) yield { event, data: data.join('\n') };
  }

  async #request<T>(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}, waitMs = 0): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(this.endpoint + path, {
        method,
        headers: { accept: 'application/json', authorization: `Bearer ${this.#apiKey}`, ...init.headers },
        ...(init.body !== undefined ? { body: init.body } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + waitMs),
      });
      text = await response.text();
    } catch (error) {
      throw new NetworkError(this.endpoint, error);
    }
    if (!response.ok) throw problemFrom(response, text);
    return (text ? JSON.parse(text) : undefined) as T; // 204 has no body
  }
}

/** Reads an RFC 9457 body when there is one; a proxy's HTML error page still gives a clear message. */
function problemFrom(response: Response, text: string): ApiProblemError {
  let body: { detail?: unknown; title?: unknown; errors?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON: fall back to the status line below.
  }
  const detail = typeof body.detail === 'string' ? body.detail
    : typeof body.title === 'string' ? body.title
    : `HTTP ${response.status} ${response.statusText}`.trim();
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
  return new ApiProblemError(response.status, detail, errors);
}
