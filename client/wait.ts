/**
 * @module client/wait
 * Waiting for a job with the server's long poll (`GET /v1/jobs/{id}?wait=`, ≤ 60 s a request):
 * one request per minute of waiting, and the answer arrives as soon as the job finishes.
 */
import { unwrap } from './problem.ts';
import type { QuarryApi } from './quarry-client.ts';
import type { components } from './schema.generated.ts';

export type JobView = components['schemas']['JobView'];

/** The server's cap on one long poll. */
export const MAX_WAIT_SECONDS = 60;

const FINISHED = new Set(['completed', 'failed']);

/** Resolves with the job once it completed or failed, or with its last view after `timeoutMs`. */
export async function waitForJob(api: QuarryApi, id: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<JobView> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const seconds = Math.max(0, Math.min(MAX_WAIT_SECONDS, Math.floor((deadline - Date.now()) / 1000)));
    const job = await unwrap(api.GET('/v1/jobs/{id}', { params: { path: { id }, query: { wait: String(seconds) } }, ...(options.signal ? { signal: options.signal } : {}) }));
    if (FINISHED.has(job.status) || seconds === 0) return job;
  }
}
