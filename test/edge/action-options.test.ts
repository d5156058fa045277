/**
 * Browser actions through the edge inside workerd: stored with the job, each bad action refused
 * with a 400 that names it (jobs and batches, by index), part of the dedupe id, and described in
 * /openapi.json.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness } from './edge-harness.ts';

type Problem = { errors: { path: string; message: string }[] };

const page = 'https://example.com/list';

describe('actions on POST /v1/jobs', () => {
  it('stores the actions in the job data', async () => {
    const edge = edgeHarness();
    const actions = [
      { type: 'wait', milliseconds: 500 }, { type: 'click', selector: '#more', all: true }, { type: 'write', selector: '#q', text: 'shoes' },
      { type: 'press', key: 'Enter' }, { type: 'scroll', direction: 'down' }, { type: 'screenshot', fullPage: true },
      { type: 'executeJavascript', script: 'return 1;' }, { type: 'scrape' },
    ];
    const res = await edge.request('POST', '/v1/jobs', { body: { url: page, mode: 'browser', actions } });
    expect(res.status).toBe(202);
    const { id } = await res.json<{ id: string }>();
    const data = JSON.parse((await edge.broker.hget<string>(`${edge.prefix}:scrape:${id}`, 'data'))!) as { request: { actions: unknown } };
    expect(data.request.actions).toEqual(actions);
  });

  it('refuses actions in http mode, naming the field and the mode they need', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/jobs', { body: { url: page, actions: [{ type: 'scrape' }] } });
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).errors).toEqual([{ path: 'actions', message: expect.stringMatching(/need mode "browser"/) }]);
    expect(await edge.keys()).toEqual([]);
  });

  it('names the bad action by its index: unknown type, missing field, a wait with nothing to wait for, an unknown key form', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/jobs', {
      body: {
        url: page, mode: 'browser',
        actions: [{ type: 'hover', selector: 'a' }, { type: 'click' }, { type: 'wait' }, { type: 'press', key: 'Enter key' }, { type: 'click', selector: 'a', extra: 1 }],
      },
    });
    expect(res.status).toBe(400);
    const { errors } = await res.json<Problem>();
    expect(errors.map((error) => error.path)).toEqual(['actions.0.type', 'actions.1.selector', 'actions.2', 'actions.3.key', 'actions.4']);
    expect(errors[0]!.message).toMatch(/must be an action: \{"type": "wait" \| "click"/);
    expect(errors[2]!.message).toBe('a wait needs milliseconds or selector');
    expect(errors[3]!.message).toMatch(/key name such as "Enter"/);
    expect(errors[4]!.message).toMatch(/"extra"/);
    expect(await edge.keys()).toEqual([]);
  });

  it('refuses more than 50 actions and more than 60 s of waits, in a batch by item', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/batches', {
      body: {
        jobs: [
          { url: `${page}/1`, mode: 'browser', actions: Array.from({ length: 51 }, () => ({ type: 'scroll' })) },
          { url: `${page}/2`, mode: 'browser', actions: [{ type: 'wait', milliseconds: 50_001 }, { type: 'wait', selector: '.late' }] },
          { url: `${page}/3`, mode: 'browser', actions: [] },
        ],
      },
    });
    expect(res.status).toBe(400);
    const { errors } = await res.json<Problem>();
    expect(errors).toEqual([
      { path: 'jobs.0.actions', message: 'must hold at most 50 actions' },
      { path: 'jobs.1.actions', message: 'wait 60001 ms in all: at most 60000 (a selector wait without milliseconds counts 10000)' },
      { path: 'jobs.2.actions', message: 'must hold at least one action (leave it out for none)' },
    ]);
    expect(await edge.keys()).toEqual([]);
  });

  it('dedupes the same actions, but not the same URL with other actions', async () => {
    const edge = edgeHarness();
    const post = async (actions?: unknown[]) => (await (await edge.request('POST', '/v1/jobs', {
      body: { url: page, mode: 'browser', dedupeWindowMs: 60_000, ...(actions ? { actions } : {}) },
    })).json<{ id: string; duplicate: boolean }>());
    const first = await post([{ type: 'click', selector: '#more' }]);
    expect(await post([{ type: 'click', selector: '#more' }])).toEqual(expect.objectContaining({ id: first.id, duplicate: true }));
    expect((await post([{ type: 'click', selector: '#more' }, { type: 'click', selector: '#more' }])).duplicate).toBe(false);
    expect((await post()).duplicate).toBe(false);
  });

  it('describes every action type and the actions result in the OpenAPI document', async () => {
    const edge = edgeHarness();
    const doc = JSON.stringify(await (await edge.request('GET', '/openapi.json', { auth: null })).json());
    const parsed = JSON.parse(doc) as { paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } } }> };
    const actions = JSON.stringify(parsed.paths['/v1/jobs']!.post!.requestBody.content['application/json']!.schema.properties.actions);
    for (const type of ['wait', 'click', 'write', 'press', 'scroll', 'screenshot', 'executeJavascript', 'scrape']) expect(actions, type).toContain(`"${type}"`);
    expect(actions).toMatch(/"description"/);
    expect(actions).toContain('"maxItems":50');
    expect(doc).toContain('javascriptReturns');
  });
});
