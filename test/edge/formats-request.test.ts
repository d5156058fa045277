/**
 * `formats` and the narrowing options through the edge inside workerd: stored with the job,
 * refused with a 400 that says what to fix, and described in /openapi.json.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness } from './edge-harness.ts';

describe('formats on POST /v1/jobs', () => {
  it('stores the formats and narrowing options in the job data', async () => {
    const edge = edgeHarness();
    const body = { url: 'https://example.com/f', mode: 'browser', formats: ['markdown', 'links', { type: 'screenshot', fullPage: true }], onlyMainContent: true, excludeTags: ['.ad'] };
    const res = await edge.request('POST', '/v1/jobs', { body });
    expect(res.status).toBe(202);
    const { id } = await res.json<{ id: string }>();
    const data = JSON.parse((await edge.broker.hget<string>(`${edge.prefix}:scrape:${id}`, 'data'))!) as { request: Record<string, unknown> };
    expect(data.request).toMatchObject({ formats: body.formats, onlyMainContent: true, excludeTags: ['.ad'] });
  });

  it('answers a screenshot in http mode with a 400 that says to use the browser, and enqueues nothing', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/s', formats: [{ type: 'screenshot' }] } });
    expect(res.status).toBe(400);
    const problem = await res.json<{ detail: string; errors: { path: string; message: string }[] }>();
    expect(problem.errors).toEqual([{ path: 'formats.0', message: expect.stringMatching(/"screenshot" needs mode "browser"/) }]);
    expect(await edge.keys()).toEqual([]);
  });

  it('refuses a bad format inside a batch by its item index', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/batches', { body: { urls: ['https://example.com/1'], defaults: { formats: [{ type: 'pdf' }] } } });
    expect(res.status).toBe(400);
    const problem = await res.json<{ errors: { path: string; message: string }[] }>();
    expect(problem.errors).toEqual([{ path: 'urls.0.formats.0', message: expect.stringMatching(/"pdf" needs mode "browser"/) }]);
    expect(await edge.keys()).toEqual([]);
  });

  it('describes formats in the OpenAPI document', async () => {
    const edge = edgeHarness();
    const doc = await (await edge.request('GET', '/openapi.json', { auth: null })).json<{ paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } } }> }>();
    const properties = doc.paths['/v1/jobs']!.post!.requestBody.content['application/json']!.schema.properties;
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(['url', 'mode', 'extract', 'formats', 'onlyMainContent', 'includeTags', 'excludeTags', 'priority']));
    expect(JSON.stringify(properties.formats)).toContain('screenshot');
  });
});
