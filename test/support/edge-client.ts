/**
 * @module test/support/edge-client
 * A tiny HTTP client for the edge API as a caller sees it (fetch over loopback).
 */
import { waitFor } from '../../dev/local/wait-for.ts';

export interface EdgeClient {
  post(path: string, body: unknown, init?: { headers?: Record<string, string>; raw?: string; auth?: string | null }): Promise<Response>;
  get(path: string): Promise<Response>;
  /** Polls `GET /v1/jobs/:id` until the job reaches a final state. */
  waitForJob(id: string, timeoutMs?: number): Promise<JobView>;
}

export interface JobView {
  id: string;
  status: string;
  error?: string;
  result?: { url: string; finalUrl: string; httpStatus: number; title: string | null; extract: Record<string, unknown>; mode: string; attempt: number };
}

export function edgeClient(baseUrl: string, apiKey: string): EdgeClient {
  const auth = (key: string | null | undefined): Record<string, string> => (key === null ? {} : { authorization: `Bearer ${key ?? apiKey}` });
  const client: EdgeClient = {
    post: (path, body, init = {}) => fetch(baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(init.auth), ...init.headers },
      body: init.raw ?? JSON.stringify(body),
    }),
    get: (path) => fetch(baseUrl + path, { headers: auth(undefined) }),
    waitForJob: (id, timeoutMs = 30_000) => waitFor(async () => {
      const view = (await (await client.get(`/v1/jobs/${id}`)).json()) as JobView;
      return view.status === 'completed' || view.status === 'failed' ? view : undefined;
    }, { timeoutMs, intervalMs: 100, description: `job ${id} to finish` }),
  };
  return client;
}
