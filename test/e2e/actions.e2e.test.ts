/**
 * Browser actions end to end: the edge under wrangler dev, a worker process with real Chromium,
 * Redis, and the local action pages. A job that clicks "load more" until the list is complete
 * comes back with every item and what its script counted; a bad action is a 400 at the edge;
 * a failing action fails the job with its index and reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startActionSite, type ActionSite } from '../support/action-pages.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const HOST = '127.0.0.2';
let site: ActionSite;
let stack: WorkerStack;
let edge: EdgeClient;

beforeAll(async () => {
  [site, stack] = await Promise.all([
    startActionSite(HOST),
    startWorkerStack({ name: 'actions', hosts: [HOST], workers: 1, edge: true, workerEnv: { QUARRY_BROWSER_PAGES: '1' } }),
  ]);
  edge = edgeClient(stack.stack.edge!.url, stack.apiKey);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await site?.close();
});

async function submit(body: Record<string, unknown>) {
  const res = await edge.post('/v1/jobs', { mode: 'browser', attempts: 1, ...body });
  expect(res.status).toBe(202);
  return edge.waitForJob(((await res.json()) as { id: string }).id, 60_000);
}

describe('browser actions through the edge', () => {
  it('clicks "load more" until the list is complete, and returns what its script counted', async () => {
    const view = await submit({
      url: site.url('/more'), extract: { 'items[]': '.item' },
      actions: [
        { type: 'click', selector: '#more' }, { type: 'wait', selector: '.item:nth-child(4)' },
        { type: 'click', selector: '#more' }, { type: 'wait', selector: '.item:nth-child(6)' },
        { type: 'executeJavascript', script: "return document.querySelectorAll('.item').length;" },
      ],
    });
    expect(view.status).toBe('completed');
    expect(view.result!.extract.items).toEqual(['1', '2', '3', '4', '5', '6']);
    expect((view.result as unknown as { actions: unknown }).actions).toEqual({ screenshots: [], javascriptReturns: [{ type: 'number', value: 6 }], scrapes: [] });
  });

  it('refuses a bad action with a 400 naming it, and fails a job whose action finds nothing', async () => {
    const bad = await edge.post('/v1/jobs', { url: site.url('/more'), mode: 'browser', actions: [{ type: 'click' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('actions.0.selector');
    const view = await submit({ url: site.url('/more'), actions: [{ type: 'click', selector: '#nope' }] });
    expect(view.status).toBe('failed');
    expect(view.error).toBe("action 0 (click '#nope'): no element matches");
  });
});
