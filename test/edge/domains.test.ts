/**
 * Per-domain limits through the API inside workerd: admin writes, read shows usage.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
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
