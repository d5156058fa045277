/**
 * Per-domain limits through the API inside workerd: admin writes, read shows usage.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Redis } from '@upstash/redis/cloudflare';
import { robotsKeys } from '../../shared/domain-keys.ts';
import { edgeHarness } from './edge-harness.ts';

describe('/v1/domains', () => {
  it('stores an override, shows effective limits and usage, and removes it', async () => {
    const edge = edgeHarness();
    const limits = { rates: [{ max: 5, perMs: 1000 }, { max: 100, perMs: 60_000 }], concurrency: 2 };
    const put = await edge.request('PUT', '/v1/domains/Example.com/limits', { body: limits });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ domain: 'example.com', limits });
    const view = await (await edge.request('GET', '/v1/domains/example.com')).json<Record<string, unknown>>();
    expect(view).toMatchObject({
      domain: 'example.com', override: limits, effective: { rates: limits.rates, concurrency: 2 },
      usage: { activeLeases: 0, windows: [{ max: 5, perMs: 1000, used: 0 }, { max: 100, perMs: 60_000, used: 0 }] },
      cooldownUntil: null, robots: [],
    });
    expect((await edge.request('DELETE', '/v1/domains/example.com/limits')).status).toBe(200);
    expect(await (await edge.request('GET', '/v1/domains/example.com')).json()).toMatchObject({ override: null });
  });

  it('needs the admin scope to write and validates the body', async () => {
    const edge = edgeHarness();
    const readKey = `${inject('apiKey')}-read`;
    expect((await edge.request('PUT', '/v1/domains/example.com/limits', { body: { concurrency: 1 }, auth: readKey })).status).toBe(403);
    const bad = await edge.request('PUT', '/v1/domains/example.com/limits', { body: { rates: [{ max: 0, perMs: 1000 }] } });
    expect(bad.status).toBe(400);
    expect((await edge.request('GET', '/v1/domains/not a host', { auth: readKey })).status).toBe(400);
  });
});

describe('/v1/domains robots state', () => {
  it('reads the fleet\'s robots.txt copies from the result store, where workers keep them, not from the broker', async () => {
    const edge = edgeHarness();
    const results = new Redis({ url: inject('resultsRestUrl'), token: inject('restToken'), automaticDeserialization: false, enableTelemetry: false });
    const https = robotsKeys(edge.prefix, 'https://robots.example').entry;
    const http = robotsKeys(edge.prefix, 'http://robots.example').entry;
    const since = Date.UTC(2026, 0, 2);
    try {
      await results.hset(https, {
        status: '503', outcome: 'unreachable', rules: '', agent: 'quarrybot', truncated: '0',
        fetchedAt: String(since + 60_000), expiresAt: String(since + 360_000), unreachableSince: String(since), failures: '2',
      });
      // An entry of the old layout left in the broker is not the fleet's copy any more.
      await edge.broker.hset(http, { status: '200', outcome: 'parsed', body: 'User-agent: *', fetchedAt: '1', expiresAt: '2' });
      const view = await (await edge.request('GET', '/v1/domains/robots.example')).json<{ robots: unknown[] }>();
      expect(view.robots).toEqual([{
        origin: 'https://robots.example', outcome: 'unreachable', status: 503, truncated: false,
        fetchedAt: new Date(since + 60_000).toISOString(), expiresAt: new Date(since + 360_000).toISOString(), unreachableSince: new Date(since).toISOString(),
      }]);
    } finally {
      await results.del(https);
      await edge.broker.del(http);
    }
  });
});
