/**
 * What a finished job leaves behind: batch counters (once per job) and a signed result
 * callback delivered with retries that never re-run the scrape, once per run of the job.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis as UpstashRedis } from '@upstash/redis/cloudflare';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { startRestServer, type RestServerHandle } from '../../dev/rest-server/index.ts';
import { retryJob } from '../../edge/src/jobs/cancel-and-retry.ts';
import { batchKey } from '../../shared/batch-keys.ts';
import { callbackStatusKey, parseCallbackStatus } from '../../shared/callback-keys.ts';
import { verifyQuarry } from '../../shared/webhook-signature.ts';
import { HOST_A, HOST_B, jobData, jobOptions, startHarness, type Harness } from './harness.ts';

let h: Harness;
let receiver: Server;
let receiverUrl: string;
const deliveries: { body: string; signature: string | undefined; attempt: string | undefined; delivery: string | undefined; status: number }[] = [];
let failFirst = 1;
let rest: RestServerHandle;
/** A page that answers 404 to its first request and 200 afterwards (a fixed site). */
let flaky: Server;
let flakyUrl: string;
let flakyHits = 0;

beforeAll(async () => {
  h = await startHarness();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const status = failFirst-- > 0 ? 500 : 204;
      deliveries.push({ body, signature: req.headers['quarry-signature'] as string | undefined, attempt: req.headers['quarry-attempt'] as string | undefined, delivery: req.headers['quarry-delivery'] as string | undefined, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, HOST_B, resolve));
  receiverUrl = `http://${HOST_B}:${(receiver.address() as AddressInfo).port}/hook`;
  flaky = createServer((_req, res) => {
    flakyHits++;
    if (flakyHits === 1) res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not yet</h1>');
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>fixed</h1>');
  });
  await new Promise<void>((resolve) => flaky.listen(0, HOST_A, resolve));
  flakyUrl = `http://${HOST_A}:${(flaky.address() as AddressInfo).port}/flaky`;
  rest = await startRestServer({ redisUrl: h.broker.url, token: 'outcomes-token' });
  await h.startWorker({ callbackSecret: 'cb-secret', callbackBackoffMs: 50, callbackAttempts: 4 });
});

afterAll(async () => {
  await rest?.close();
  await h.close();
  await new Promise((resolve) => receiver.close(resolve));
  await new Promise((resolve) => flaky.close(resolve));
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

  it('a manually retried job calls back again: its failure and its completion are each delivered once', async () => {
    const broker = new Redis(h.broker.url);
    const batchId = 'b-retried';
    await broker.hset(batchKey(h.prefix, batchId), { items: 1, total: 1, createdAt: Date.now() });
    const data = { ...jobData({ url: flakyUrl, extract: { h: 'h1' }, callbackUrl: receiverUrl, attempts: 1 }), batchId };
    const job = await h.queue.add(data.request.mode, data, jobOptions(data.request));
    const ok = (event: string) => deliveries.filter((d) => d.status < 300 && JSON.parse(d.body).jobId === job.id && JSON.parse(d.body).event === event);
    await h.settled(job, ['failed']);
    await waitFor(() => ok('job.failed').length === 1, { description: 'the failure callback' });
    await waitFor(async () => (await broker.hget(batchKey(h.prefix, batchId), 'failed')) === '1', { description: 'the batch failure' });

    const upstash = new UpstashRedis({ url: rest.url, token: rest.token, automaticDeserialization: false, enableTelemetry: false });
    expect(await retryJob(upstash, h.prefix, job.id!)).toEqual({ ok: true, previous: 'failed' });
    // The retried run is pending again in its batch, not still failed.
    expect(await broker.hget(batchKey(h.prefix, batchId), 'failed')).toBe('0');
    await h.settled(job, ['completed']);
    await waitFor(() => ok('job.completed').length === 1, { description: 'the completion callback of the retried run' });
    expect(JSON.parse(ok('job.completed')[0]!.body)).toMatchObject({ result: { extract: { h: 'fixed' } } });
    expect(ok('job.failed')[0]!.delivery).toBe(`cb-${job.id}-0-failed`);
    expect(ok('job.completed')[0]!.delivery).toBe(`cb-${job.id}-1-completed`);
    await waitFor(async () => (await broker.hget(batchKey(h.prefix, batchId), 'completed')) === '1', { description: 'the batch completion' });
    expect(await broker.hgetall(batchKey(h.prefix, batchId))).toMatchObject({ total: '1', completed: '1', failed: '0' });
    // One delivery job per run and event, both done: nothing else can arrive for this job.
    const deliveryJobs = (await broker.zrange(`${h.prefix}:callbacks:completed`, 0, -1)).filter((id) => id.startsWith(`cb-${job.id}-`));
    expect(deliveryJobs.sort()).toEqual([`cb-${job.id}-0-failed`, `cb-${job.id}-1-completed`]);
    expect(ok('job.failed')).toHaveLength(1);
    broker.disconnect();
  });
});
