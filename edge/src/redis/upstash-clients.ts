/**
 * @module edge/redis/upstash-clients
 * Lazily created @upstash/redis clients for the broker and the result store, reused across
 * requests in one isolate (a REST client holds no socket, so reuse is safe in workerd).
 */
import { Redis } from '@upstash/redis/cloudflare';

export interface RestEndpoint {
  url: string;
  token: string;
}

const clients = new Map<string, Redis>();

export function upstashClient(endpoint: RestEndpoint): Redis {
  const cacheKey = `${endpoint.url}\n${endpoint.token}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = new Redis({
      url: endpoint.url,
      token: endpoint.token,
      // Job ids such as "123" must stay strings; results are parsed by our own schemas.
      automaticDeserialization: false,
      // One quick retry for a dropped connection; past that the caller gets a 503 + Retry-After
      // rather than a request hanging on a dead broker.
      retry: { retries: 1, backoff: () => 50 },
      enableTelemetry: false,
    });
    clients.set(cacheKey, client);
  }
  return client;
}
