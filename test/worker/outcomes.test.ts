/**
 * What a finished job leaves behind: batch counters (once per job) and a signed result
 * callback delivered with retries that never re-run the scrape.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { batchKey } from '../../shared/batch-keys.ts';
import { callbackStatusKey, parseCallbackStatus } from '../../shared/callback-keys.ts';
import { verifyQuarry } from '../../shared/webhook-signature.ts';
import { HOST_A, HOST_B, jobData, jobOptions, startHarness, type Harness } from './harness.ts';

let h: Harness;
let receiver: Server;
let receiverUrl: string;
const deliveries: { body: string; signature: string | undefined; attempt: string | undefined; status: number }[] = [];
let failFirst = 1;

beforeAll(async () => {
  h = await startHarness();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const status = failFirst-- > 0 ? 500 : 204;
      deliveries.push({ body, signature: req.headers['quarry-signature'] as string | undefined, attempt: req.headers['quarry-attempt'] as string | undefined, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, HOST_B, resolve));
  receiverUrl = `http://${HOST_B}:${(receiver.address() as AddressInfo).port}/hook`;
  await h.startWorker({ callbackSecret: 'cb-secret', callbackBackoffMs: 50, callbackAttempts: 4 });
});

afterAll(async () => {
  await h.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('job outcomes', () => {
  it('delivers a signed callback, retrying a failing receiver without re-running the scrape', async () => {
    h.site.clearLog();
    const job = await h.add({ url: h.site.url(HOST_A, '/page/3'), extract: { h: 'h1' }, callbackUrl: receiverUrl });
    await h.settled(job, ['completed']);
    await waitFor(() => deliveries.some((d) => d.status === 204), { description: 'a successful delivery' });
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([['1', 500], ['2', 204]]);
    const delivered = deliveries[1]!;
    expect(await verifyQuarry(delivered.signature, delivered.body, { secrets: ['cb-secret'] })).toEqual({ ok: true, timestamp: expect.any(Number) });
    expect(JSON.parse(delivered.body)).toMatchObject({ event: 'job.completed', jobId: job.id, result: { extract: { h: 'Product 3' } } });
    expect(h.site.log.filter((e) => e.path === '/page/3')).toHaveLength(1);
    const results = new Redis(h.results.url);
    const status = parseCallbackStatus(await results.hgetall(callbackStatusKey(h.prefix, job.id!)));
    results.disconnect();
    expect(status).toMatchObject({ attempts: 2, delivered: true, lastStatus: 204 });
  });

  it('counts completed and failed jobs of a batch once each', async () => {
    const broker = new Redis(h.broker.url);
    const batchId = 'b-test';
    await broker.hset(batchKey(h.prefix, batchId), { total: 2, createdAt: Date.now() });
    const add = (url: string) => {
      const data = { ...jobData({ url }), batchId };
      return h.queue.add(data.request.mode, data, jobOptions(data.request));
    };
    const ok = await add(h.site.url(HOST_A, '/page/4'));
    const bad = await add(h.site.url(HOST_A, '/status/404'));
    await h.settled(ok, ['completed']);
    await h.settled(bad, ['failed']);
    await waitFor(async () => Number(await broker.hget(batchKey(h.prefix, batchId), 'failed')) === 1, { description: 'the failure to be counted' });
    expect(await broker.hgetall(batchKey(h.prefix, batchId))).toMatchObject({ completed: '1', failed: '1' });
    broker.disconnect();
  });
});
