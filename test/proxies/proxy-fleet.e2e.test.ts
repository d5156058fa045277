/**
 * Proxies end to end: the edge under wrangler dev, worker processes, Redis and real local
 * proxies. A domain's default pool set through PUT /v1/domains/:host/limits routes jobs that
 * name no proxy; a proxy blocked (403) under worker 1 cools down for the whole fleet, so
 * worker 2, which never met the block, never sends through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { startRequestSite, type RequestSite } from '../support/request-pages.ts';
import { startHttpProxy, type RecordingProxy } from '../support/proxies.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

let site: RequestSite;
let stack: WorkerStack;
let edge: EdgeClient;
let good: RecordingProxy;
let blocked: RecordingProxy;

beforeAll(async () => {
  [site, good, blocked] = await Promise.all([
    startRequestSite(['127.0.0.2']),
    startHttpProxy({ host: '127.0.0.5', username: 'g', password: 'good-secret' }),
    startHttpProxy({ host: '127.0.0.6', username: 'b', password: 'bad-secret' }),
  ]);
  blocked.block(403);
  stack = await startWorkerStack({
    name: 'proxyfleet', hosts: ['127.0.0.2'], workers: 0, edge: true, apiKeyScopes: 'enqueue+read+admin',
    // The blocked proxy second: the fleet's first pick (rotation counter 1) lands on it.
    workerEnv: { QUARRY_PROXY_POOLS: JSON.stringify({ fleet: [good.url, blocked.url] }), QUARRY_PROXY_COOLDOWN_MS: '120000' },
  });
  edge = edgeClient(stack.stack.edge!.url, stack.apiKey);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await Promise.all([site?.close(), good?.close(), blocked?.close()]);
});

async function submit(body: Record<string, unknown>) {
  const res = await edge.post('/v1/jobs', { url: site.url('/echo'), extract: { echo: '#echo' }, attempts: 2, ...body });
  expect(res.status).toBe(202);
  return edge.waitForJob(((await res.json()) as { id: string }).id, 60_000);
}

describe('proxies across the fleet, through the edge', () => {
  it('routes a domain\'s jobs through its default pool, and cools a blocked proxy for every worker', async () => {
    const host = new URL(site.url('/')).host;
    const put = await fetch(`${stack.stack.edge!.url}/v1/domains/${host}/limits`, {
      method: 'PUT', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ proxy: { pool: 'fleet' } }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ limits: { proxy: { pool: 'fleet' } } });

    const first = stack.stack.addWorker({ QUARRY_USER_AGENT: 'worker-1' });
    const one = await submit({});
    expect(one.status).toBe('completed');
    // Worker 1 met the block, cooled the proxy and retried through the good one.
    expect(blocked.passed).toHaveLength(1);
    await first.stop();

    stack.stack.addWorker({ QUARRY_USER_AGENT: 'worker-2' });
    const goodBefore = good.passed.length;
    for (let i = 0; i < 4; i++) {
      const view = await submit({});
      expect(view.status).toBe('completed');
      expect(JSON.parse(String(view.result!.extract.echo)).headers['user-agent']).toBe('worker-2');
    }
    expect(blocked.passed).toHaveLength(1);
    expect(good.passed.length - goodBefore).toBe(4);
    // No proxy credentials in what the API shows.
    const failedOnce = JSON.stringify(await (await edge.get(`/v1/jobs?status=completed`)).json());
    expect(failedOnce).not.toContain('bad-secret');

    // "none" goes direct whatever the domain's default.
    const direct = await submit({ proxy: 'none' });
    expect(direct.status).toBe('completed');
    expect(good.passed.length - goodBefore).toBe(4);
  });
});
