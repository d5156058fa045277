/**
 * The OpenAPI document describes every route the app serves, with a stable operationId each,
 * `security: []` on the public routes, the serving deployment as its server, and a schema and
 * an example for every body. (Redocly and swagger-parser run on it in test/contract/openapi-lint.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../edge/src/app.ts';
import { SWAGGER_UI_VERSION } from '../../edge/src/openapi/docs-page.ts';
import { bodiesMissingSchemaOrExample, operations, type OpenApiDoc } from '../support/openapi-doc.ts';
import { edgeHarness } from './edge-harness.ts';

const PUBLIC = ['GET /healthz', 'GET /readyz', 'POST /v1/hooks/{name}'];

describe('OpenAPI', () => {
  it('lists every served route', async () => {
    const edge = edgeHarness();
    const doc = await (await edge.request('GET', '/openapi.json', { auth: null })).json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const served = createApp().routes
      .filter((route) => route.method !== 'ALL' && !['/openapi.json', '/docs'].includes(route.path))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(8);
    for (const route of served) expect(documented, `${route} is not in /openapi.json`).toContain(route);
  });

  it('serves Swagger UI at /docs on /openapi.json, with the bearer key kept across reloads', async () => {
    const docs = await edgeHarness().request('GET', '/docs', { auth: null });
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    const page = await docs.text();
    expect(page).toContain(`swagger-ui-dist@${SWAGGER_UI_VERSION}/swagger-ui-bundle.js`);
    expect(page).toMatch(/SwaggerUIBundle\(\{[^}]*url: '\/openapi\.json'/);
    expect(page).toContain('persistAuthorization: true');
    // The bearer scheme the UI's Authorize button offers, and the server "Try it out" calls.
    const doc = await (await edgeHarness().request('GET', '/openapi.json', { auth: null })).json<OpenApiDoc & { components: { securitySchemes: Record<string, unknown> } }>();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('names each operation once, marks the public routes, names its server and has an example for every body', async () => {
    const doc = await (await edgeHarness().request('GET', '/openapi.json', { auth: null })).json<OpenApiDoc>();
    const ops = operations(doc);
    for (const { route, op } of ops) {
      expect(op.operationId, `${route} has no operationId`).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.security, `${route} declares no security`).toEqual(PUBLIC.includes(route) ? [] : [{ bearer: [] }]);
    }
    expect(new Set(ops.map(({ op }) => op.operationId)).size).toBe(ops.length);
    // Stable names: clients generated from the document call these.
    const ids = Object.fromEntries(ops.map(({ route, op }) => [route, op.operationId]));
    expect(ids).toMatchObject({ 'POST /v1/jobs': 'createJob', 'GET /v1/jobs/{id}': 'getJob', 'POST /v1/batches': 'createBatch', 'GET /v1/crawls/{id}/pages': 'listCrawlPages', 'GET /healthz': 'getHealth', 'POST /v1/schedules': 'createSchedule', 'POST /v1/schedules/{id}/run': 'runSchedule' });
    expect(doc.servers?.[0]?.url).toMatch(/^https?:\/\/[^/]+$/);
    expect(bodiesMissingSchemaOrExample(doc)).toEqual([]);
  });
});
