/**
 * The OpenAPI document describes every route the app serves.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../edge/src/app.ts';
import { edgeHarness } from './edge-harness.ts';

describe('OpenAPI', () => {
  it('lists every served route, and serves a docs page', async () => {
    const edge = edgeHarness();
    const doc = await (await edge.request('GET', '/openapi.json', { auth: null })).json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const served = createApp().routes
      .filter((route) => route.method !== 'ALL' && !['/openapi.json', '/docs'].includes(route.path))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(8);
    for (const route of served) expect(documented, `${route} is not in /openapi.json`).toContain(route);
    const docs = await edge.request('GET', '/docs', { auth: null });
    expect(await docs.text()).toContain('/v1/batches');
  });
});
