/**
 * @module cli/client
 * The CLI's view of the API: `quarry/client` (typed from the OpenAPI document) with the CLI's
 * timeouts, and its answers turned into the CLI's typed errors (exit codes): a problem into
 * ApiProblemError, no answer into NetworkError.
 */
import { createQuarryClient, jobEvents, MAX_WAIT_SECONDS, QuarryProblemError, unwrap, type QuarryApi, type Schemas } from '../client/index.ts';
import type { Connection } from './config.ts';
import { ApiProblemError, NetworkError } from './errors.ts';

export type BatchAccepted = Schemas['BatchAccepted'];
export type BatchView = Schemas['BatchView'];
export type JobView = Schemas['JobView'];
export type JobAccepted = Schemas['JobAccepted'];
export type CrawlView = Schemas['CrawlView'];
export type ScheduleStored = Schemas['ScheduleStored'];
export type ScheduleSummary = Schemas['ScheduleSummary'];
export type ScheduleRunQueued = Schemas['ScheduleRunQueued'];
export { MAX_WAIT_SECONDS };

export type ScheduleView = Schemas['ScheduleView'];
/** `GET /v1/jobs`: one page of jobs in a state. */
export type JobPage = Schemas['JobList'];
export type JobSummary = JobPage['jobs'][number];
/** `DELETE /v1/jobs/:id` and `POST /v1/jobs/:id/retry`. */
export interface JobActionAnswer { id: string; status: string; previous: string }
export type DomainView = Schemas['DomainView'];
export type MapAnswer = Schemas['MapAnswer'];
/** Time allowed for an answer on top of any long-poll wait. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface QuarryClientOptions extends Connection {
  /** Defaults to the global fetch; called as fetch(url, init) like Node's. */
  fetch?: typeof fetch;
}

export class QuarryClient {
  readonly endpoint: string;
  readonly api: QuarryApi;
  readonly #fetch: typeof fetch;

  constructor(options: QuarryClientOptions) {
    this.endpoint = options.endpoint;
    const fetchImpl = options.fetch ?? fetch;
    this.#fetch = fetchImpl;
    this.api = createQuarryClient({
      baseUrl: options.endpoint,
      apiKey: options.apiKey,
      // openapi-fetch hands over a Request; an injected fetch (the tests' stubs) gets (url, init).
      fetch: async (request) => fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        signal: request.signal,
        ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: await request.text() }),
      }),
    });
  }

  /** `POST /v1/batches`; the idempotency key makes a retried submission name the same jobs. */
  createBatch(body: unknown, idempotencyKey?: string): Promise<BatchAccepted> {
    return this.#call(() => this.api.POST('/v1/batches', {
      body: body as never,
      params: { header: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey } },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }));
  }

  /** `POST /v1/jobs`. */
  createJob(body: unknown): Promise<JobAccepted> {
    return this.#call(() => this.api.POST('/v1/jobs', { body: body as never, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  /**
   * `GET /v1/batches/:id/results` from item `cursor` on, as a streamed response (the caller reads
   * the body); a non-2xx answer throws like every other call.
   */
  async openResults(batchId: string, format: 'jsonl' | 'csv', cursor: number, signal: AbortSignal): Promise<Response> {
    // The timeout covers the answer's start only: the body streams for as long as the export is.
    const started = AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    const controller = new AbortController();
    const onAbort = () => controller.abort(started.reason);
    started.addEventListener('abort', onAbort, { once: true });
    try {
      const { response } = await this.#call(async () => {
        const answer = await this.api.GET('/v1/batches/{id}/results', { params: { path: { id: batchId }, query: { format, cursor: String(cursor) } }, parseAs: 'stream', signal: controller.signal });
        return { ...answer, data: answer };
      });
      signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
      return response;
    } finally {
      started.removeEventListener('abort', onAbort);
    }
  }

  /** A signed artifact URL (no API key: the signature is the authorization). */
  async download(url: string): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await this.#fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw new NetworkError(new URL(url).origin, error);
    }
    if (!response.ok) throw new ApiProblemError(response.status, `HTTP ${response.status} ${response.statusText}`.trim());
    return new Uint8Array(await response.arrayBuffer());
  }

  getBatch(batchId: string): Promise<BatchView> {
    return this.#call(() => this.api.GET('/v1/batches/{id}', { params: { path: { id: batchId } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  /** `GET /v1/jobs/:id`, long-polling up to `waitSeconds` (≤ 60) for the job to finish. */
  getJob(jobId: string, waitSeconds = 0): Promise<JobView> {
    const wait = Math.min(MAX_WAIT_SECONDS, waitSeconds);
    return this.#call(() => this.api.GET('/v1/jobs/{id}', {
      params: { path: { id: jobId }, query: wait > 0 ? { wait: String(wait) } : {} },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + waitSeconds * 1000),
    }));
  }

  /** `POST /v1/crawls`. */
  createCrawl(body: unknown): Promise<Schemas['CrawlAccepted']> {
    return this.#call(() => this.api.POST('/v1/crawls', { body: body as never, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  getCrawl(crawlId: string): Promise<CrawlView> {
    return this.#call(() => this.api.GET('/v1/crawls/{id}', { params: { path: { id: crawlId } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  cancelCrawl(crawlId: string): Promise<Schemas['CrawlCancelled']> {
    return this.#call(() => this.api.DELETE('/v1/crawls/{id}', { params: { path: { id: crawlId } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  /** `GET /v1/crawls/:id/pages` as NDJSON: one page record (with its result) per line, as they arrive. */
  async *crawlPageLines(crawlId: string, status?: 'completed' | 'failed'): AsyncGenerator<string> {
    const { response } = await this.#call(async () => {
      const answer = await this.api.GET('/v1/crawls/{id}/pages', { params: { path: { id: crawlId }, query: status ? { status } : {} }, headers: { accept: 'application/x-ndjson' }, parseAs: 'stream' });
      return { ...answer, data: answer };
    });
    if (!response.body) return;
    const lines = response.body.pipeThrough(new TextDecoderStream() as TransformStream<Uint8Array, string>).getReader();
    let buffered = '';
    for (let read = await lines.read(); !read.done; read = await lines.read()) {
      buffered += read.value;
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const line of complete) if (line) yield line;
    }
    if (buffered.trim()) yield buffered;
  }

  /** `POST /v1/schedules` (schedule-schema.ts body); answers the stored schedule with its first fire time. */
  createSchedule(body: unknown): Promise<ScheduleStored> {
    return this.#call(() => this.api.POST('/v1/schedules', { body: body as never, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  listSchedules(): Promise<Schemas['ScheduleList']> {
    return this.#call(() => this.api.GET('/v1/schedules', { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  async deleteSchedule(id: string): Promise<void> {
    await this.#call(() => this.api.DELETE('/v1/schedules/{id}', { params: { path: { id } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  runSchedule(id: string): Promise<ScheduleRunQueued> {
    return this.#call(() => this.api.POST('/v1/schedules/{id}/run', { params: { path: { id } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  }

  /** `GET /v1/jobs?status=&limit=&cursor=`: one page of jobs in a state (`total` is null for a tenant key). */
  listJobs(status: string, limit: number, cursor?: string): Promise<JobPage> {
    const query = { status, limit, ...(cursor ? { cursor } : {}) };
    return this.#call(() => this.api.GET('/v1/jobs', { params: { query: query as never }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as Promise<JobPage>;
  }

  /** `DELETE /v1/jobs/:id`: only a job that has not started (409 otherwise). */
  cancelJob(id: string): Promise<JobActionAnswer> {
    return this.#call(() => this.api.DELETE('/v1/jobs/{id}', { params: { path: { id } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as Promise<JobActionAnswer>;
  }

  /** `POST /v1/jobs/:id/retry`: only a failed job (409 otherwise). */
  retryJob(id: string): Promise<JobActionAnswer> {
    return this.#call(() => this.api.POST('/v1/jobs/{id}/retry', { params: { path: { id } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as Promise<JobActionAnswer>;
  }

  /** `GET /v1/domains/:host`: limits, usage, cooldown and robots.txt copies. */
  getDomain(host: string): Promise<DomainView> {
    return this.#call(() => this.api.GET('/v1/domains/{host}', { params: { path: { host } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as Promise<DomainView>;
  }

  /** `PUT /v1/domains/:host/limits` (admin scope). */
  putDomainLimits(host: string, limits: unknown): Promise<{ domain: string; limits: unknown }> {
    return this.#call(() => this.api.PUT('/v1/domains/{host}/limits', { params: { path: { host } }, body: limits as never, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as Promise<{ domain: string; limits: unknown }>;
  }

  /** `DELETE /v1/domains/:host/limits`: back to the fleet defaults (admin scope). */
  deleteDomainLimits(host: string): Promise<{ domain: string; limits: null }> {
    return this.#call(() => this.api.DELETE('/v1/domains/{host}/limits', { params: { path: { host } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as Promise<{ domain: string; limits: null }>;
  }

  /** `POST /v1/map`: the server waits up to 30 s for a worker, so the timeout allows that. */
  map(body: unknown): Promise<MapAnswer> {
    return this.#call(() => this.api.POST('/v1/map', { body: body as never, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS + 30_000) })) as Promise<MapAnswer>;
  }

  /** `GET /v1/schedules/:id`: the definition (with its target), the next fire time and the last runs. */
  getSchedule(id: string): Promise<ScheduleView> {
    return this.#call(() => this.api.GET('/v1/schedules/{id}', { params: { path: { id } }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as Promise<ScheduleView>;
  }

  /** `PUT /v1/schedules/:id`: the whole definition replaces the stored one. */
  putSchedule(id: string, body: unknown): Promise<ScheduleStored> {
    return this.#call(() => this.api.PUT('/v1/schedules/{id}', { params: { path: { id } }, body: body as never, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as Promise<ScheduleStored>;
  }

  /**
   * `GET /v1/jobs/:id/events` (Server-Sent Events) through quarry/client: each event until the
   * server closes the stream (after the job's final event, or its 5-minute limit); data as JSON text.
   */
  async *jobEvents(id: string, signal?: AbortSignal): AsyncGenerator<{ event: string; data: string }> {
    try {
      for await (const { event, data } of jobEvents(this.api, id, signal ? { signal } : {})) yield { event, data: JSON.stringify(data) };
    } catch (error) {
      if (error instanceof QuarryProblemError) throw new ApiProblemError(error.status, error.message, error.problem.errors ?? []);
      if (error instanceof ApiProblemError) throw error;
      throw new NetworkError(this.endpoint, error);
    }
  }

  /** One API call: its data, or the CLI's error for the problem (or for no answer at all). */
  async #call<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let answer: { data?: T; error?: unknown; response: Response };
    try {
      answer = await send();
    } catch (error) {
      throw new NetworkError(this.endpoint, error);
    }
    try {
      return await unwrap(answer);
    } catch (error) {
      if (!(error instanceof QuarryProblemError)) throw error;
      throw new ApiProblemError(error.status, error.message, error.problem.errors ?? []);
    }
  }
}
