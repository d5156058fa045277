/**
 * @module test/edge/edge-harness
 * Calls the Hono app inside workerd with per-test bindings (own queue prefix) and reads the
 * broker directly to assert what was (not) enqueued.
 */
import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import { Redis } from '@upstash/redis/cloudflare';
import { createApp } from '../../edge/src/app.ts';

/**
 * The API keys vitest.config.ts configures: `admin` sees every tenant; `a1` and `a2` share
 * tenant `tenant-a`; `b` is tenant `tenant-b`; `own` (enqueue+read) is a tenant of its own.
 */
export function testKeys() {
  const key = inject('apiKey');
  return { admin: key, read: `${key}-read`, a1: `${key}-a1`, a2: `${key}-a2`, b: `${key}-b`, own: `${key}-own` };
}

export interface EdgeHarness {
  prefix: string;
  env: Env;
  request(method: string, path: string, init?: { body?: unknown; raw?: string; headers?: Record<string, string>; auth?: string | null }): Promise<Response>;
  broker: Redis;
  /** The result store, to plant results of jobs that have left the broker. */
  results: Redis;
  /** Every broker key under this test's prefix. */
  keys(): Promise<string[]>;
}

const app = createApp();

export function edgeHarness(overrides: Partial<Env> = {}): EdgeHarness {
  const prefix = `{quarry-test-${crypto.randomUUID().slice(0, 8)}}`;
  const testEnv = { ...env, QUARRY_PREFIX: prefix, ...overrides } as Env;
  const broker = new Redis({ url: inject('brokerRestUrl'), token: inject('restToken'), automaticDeserialization: false, enableTelemetry: false });
  const results = new Redis({ url: inject('resultsRestUrl'), token: inject('restToken'), automaticDeserialization: false, enableTelemetry: false });
  return {
    prefix,
    env: testEnv,
    broker,
    results,
    keys: () => broker.keys(`${prefix}*`),
    request(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const auth = init.auth === undefined ? inject('apiKey') : init.auth;
      if (auth !== null) headers.authorization = `Bearer ${auth}`;
      let body: string | undefined = init.raw;
      if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const req = new Request(`https://quarry.test${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      return Promise.resolve(app.fetch(req, testEnv));
    },
  };
}
