/**
 * @module client/quarry-client
 * The typed client: openapi-fetch over the generated paths, with the API key as a bearer token.
 * Only web-standard APIs (fetch, Request, streams), so it runs in Node, browsers and Workers.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.generated.ts';

export type QuarryApi = Client<paths>;

export interface QuarryClientOptions {
  /** The edge's origin, e.g. `https://quarry.example.com` (a trailing slash is fine). */
  baseUrl: string;
  apiKey: string;
  /** Defaults to the global fetch; inside a Worker pass a service binding's fetch to skip the network. */
  fetch?: (request: Request) => Promise<Response>;
  headers?: Record<string, string>;
}

/**
 * `api.GET('/v1/jobs/{id}', { params: { path: { id } } })` answers `{ data, error, response }`:
 * `data` is the typed 2xx body, `error` the typed problem (`unwrap` throws it as a QuarryProblemError).
 */
export function createQuarryClient(options: QuarryClientOptions): QuarryApi {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}`, ...options.headers },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
