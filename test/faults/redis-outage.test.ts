/**
 * Broker outages with real processes: a redis-server restart (AOF, everysec) with jobs queued
 * and running loses none of the jobs the edge accepted; while Redis is down the edge answers
 * 503 + Retry-After, workers stay up and resume by themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_HOST, startFaultStack, waitFor, type FaultStack } from './fault-stack.ts';

let f: FaultStack;

beforeAll(async () => {
  f = await startFaultStack({ edge: true, workers: 2, workerEnv: { QUARRY_CONCURRENCY: '5' } });
}, 90_000);
afterAll(async () => f?.close());

async function submit(n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await f.edge!.post('/v1/jobs', { url: f.site.url(SITE_HOST, `/slow?ms=50&${tag}=${i}`), extract: { h: 'h1' } });
    expect(res.status).toBe(202);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

describe('broker outage', () => {
  it('restarting redis-server mid-run loses no accepted job and runs none twice', async () => {
    const ids = await submit(120, 'restart');
    await waitFor(async () => (await f.broker.llen(`${f.prefix}:scrape:active`)) > 0, { description: 'jobs running' });
    await f.stack.brokerRedis.stop();
    await f.stack.brokerRedis.start();
    const more = await submit(20, 'after');
    const all = [...ids, ...more];
    await waitFor(async () => {
      const done = await Promise.all(all.map((id) => f.result(id)));
      return done.every(Boolean);
    }, { timeoutMs: 90_000, intervalMs: 250, description: 'every accepted job to have a result' });
    // A job that was mid-fetch at the restart may be fetched again (its first try never finished),
    // but no job completed twice: one result each, and no request beyond that at-most-once retry.
    for (const [i] of ids.entries()) expect(f.hits(`/slow?ms=50&restart=${i}`)).toBeLessThanOrEqual(2);
    expect(f.stack.workers.every((w) => w.process.exitCode === null)).toBe(true);
  });

  it('answers 503 with Retry-After while Redis is down, and workers resume without a restart', async () => {
    await f.stack.brokerRedis.stop();
    const down = await f.edge!.post('/v1/jobs', { url: f.site.url(SITE_HOST, '/page/1') });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(down.headers.get('content-type')).toBe('application/problem+json');
    expect(f.stack.workers.every((w) => w.process.exitCode === null)).toBe(true);

    await f.stack.brokerRedis.start();
    const [id] = await submit(1, 'resume');
    await waitFor(async () => Boolean(await f.result(id!)), { timeoutMs: 30_000, description: 'processing to resume' });
    expect(f.stack.workers.every((w) => w.process.exitCode === null)).toBe(true);
  });
});
