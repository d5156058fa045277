/**
 * The worked example (examples/tasks/) end to end, as a user runs it: the edge under wrangler dev
 * (its bundled manifest holds the example's schemas), a worker process loading
 * QUARRY_TASKS=./examples/tasks/index.ts, and the demo shop on 127.0.0.4. `catalog` pages
 * through 3 listing pages, fans out 15 `product` tasks, waits for them and gathers their results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { productName, productPrice, startDemoSite, type DemoSite } from '../../examples/tasks/demo-site.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const SHOP_HOST = '127.0.0.4';
let shop: DemoSite;
let stack: WorkerStack;
let edge: EdgeClient;

beforeAll(async () => {
  shop = await startDemoSite({ host: SHOP_HOST, port: 0, perPage: 5, pages: 3 });
  stack = await startWorkerStack({
    name: 'tasks-example', hosts: [SHOP_HOST], workers: 1, edge: true,
    workerEnv: { QUARRY_TASKS: fileURLToPath(new URL('../../examples/tasks/index.ts', import.meta.url)), QUARRY_DOMAIN_RATES: '50/1000' },
  });
  edge = edgeClient(stack.stack.edge!.url, stack.apiKey);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await shop?.close();
});

describe('examples/tasks', () => {
  it('a paginated listing fans out to detail tasks and gathers their results', async () => {
    const res = await edge.post('/v1/jobs', { task: 'catalog', input: { url: `${shop.origin}/catalog?page=1` } });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const view = await edge.waitForJob(id, 60_000) as unknown as { status: string; result: { task: string; value: { pages: number; products: { url: string; name: string; price: string; sku: string }[]; failed: unknown[] }; children: string[] } };
    expect(view.status).toBe('completed');
    expect(view.result.task).toBe('catalog');
    expect(view.result.value.pages).toBe(3);
    expect(view.result.value.failed).toEqual([]);
    expect(view.result.value.products).toEqual(Array.from({ length: 15 }, (_, i) => ({
      url: `${shop.origin}/product/${i + 1}`, name: productName(i + 1), price: productPrice(i + 1), sku: `SKU-${i + 1}`,
    })));
    // Each listing page fetched on the first run and again on the run after the children: 2 × 3,
    // each detail page once.
    expect(shop.log.filter((entry) => entry.path.startsWith('/catalog'))).toHaveLength(6);
    expect(shop.log.filter((entry) => entry.path.startsWith('/product/'))).toHaveLength(15);
    // The children are the caller's jobs: readable through the edge with the same key.
    const child = (await (await edge.get(`/v1/jobs/${view.result.children[0]}`)).json()) as { status: string; name: string; result: { value: unknown } };
    expect(child).toMatchObject({ status: 'completed', name: 'task:product', result: { value: { name: productName(1) } } });
  });

  it('a catalog task in a batch: its 15 children count in the batch, which finishes with them', async () => {
    const res = await edge.post('/v1/batches', { jobs: [{ task: 'catalog', input: { url: `${shop.origin}/catalog?page=2`, maxPages: 1 } }] });
    expect(res.status).toBe(202);
    const { batchId, jobs } = (await res.json()) as { batchId: string; jobs: { id: string }[] };
    const parent = await edge.waitForJob(jobs[0]!.id, 60_000);
    expect(parent.status).toBe('completed');
    const batch = (await (await edge.get(`/v1/batches/${batchId}`)).json()) as Record<string, unknown>;
    // One item, its 5 children (page 2 lists products 6-10): all in total, all completed.
    expect(batch).toMatchObject({ items: 1, children: 5, total: 6, completed: 6, failed: 0, pending: 0, unaccounted: 0, state: 'finished' });
  });

  it('SSE streams a task job\'s progress and result; a failed task job is retried with POST /v1/jobs/:id/retry', async () => {
    const { id } = (await (await edge.post('/v1/jobs', { task: 'catalog', input: { url: `${shop.origin}/catalog?page=3`, maxPages: 1 } })).json()) as { id: string };
    const res = await edge.get(`/v1/jobs/${id}/events`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!/event: completed/.test(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    await reader.cancel();
    expect(text).toMatch(/event: progress\ndata: .*"pages":1/);
    expect(text).toMatch(/event: completed\ndata: .*"task":"catalog"/);

    // A listing page past the last answers 404: NonRetryableError from ctx.fetch, failed at once.
    const { id: failing } = (await (await edge.post('/v1/jobs', { task: 'catalog', input: { url: `${shop.origin}/catalog?page=9` } })).json()) as { id: string };
    expect((await edge.waitForJob(failing, 30_000)).status).toBe('failed');
    const retry = await edge.post(`/v1/jobs/${failing}/retry`, {});
    expect(retry.status).toBe(202);
    const again = await edge.waitForJob(failing, 30_000);
    expect(again).toMatchObject({ status: 'failed', error: 'Target answered HTTP 404' });
    expect(shop.log.filter((entry) => entry.path === '/catalog?page=9')).toHaveLength(2);
  });

  it('the edge refuses an invalid input with a 400 naming the field', async () => {
    const res = await edge.post('/v1/jobs', { task: 'catalog', input: { url: `${shop.origin}/catalog`, maxPages: 0 } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['input.maxPages']);
  });
});
