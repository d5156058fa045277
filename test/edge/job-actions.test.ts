/**
 * Cancel, replay and the dead-letter listing inside workerd.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness, type EdgeHarness } from './edge-harness.ts';

async function enqueue(edge: EdgeHarness, body: unknown): Promise<string> {
  return (await (await edge.request('POST', '/v1/jobs', { body })).json<{ id: string }>()).id;
}

/** Moves a job to failed the way a worker would leave it (no worker runs in this suite). */
async function markFailed(edge: EdgeHarness, id: string) {
  await edge.broker.lrem(`${edge.prefix}:scrape:wait`, 0, id);
  await edge.broker.zadd(`${edge.prefix}:scrape:failed`, { score: Date.now(), member: id });
  await edge.broker.hset(`${edge.prefix}:scrape:${id}`, { failedReason: 'HTTP 500 from the site', finishedOn: String(Date.now()), atm: '3' });
}

describe('DELETE /v1/jobs/:id', () => {
  it('cancels waiting and delayed jobs', async () => {
    const edge = edgeHarness();
    const waiting = await enqueue(edge, { url: 'https://e.com/w' });
    const delayed = await enqueue(edge, { url: 'https://e.com/d', delayMs: 60_000 });
    for (const id of [waiting, delayed]) {
      const res = await edge.request('DELETE', `/v1/jobs/${id}`);
      expect(res.status).toBe(200);
      expect((await edge.request('GET', `/v1/jobs/${id}`)).status).toBe(404);
    }
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(0);
  });

  it('frees the slot the job reserved on its domain and counts it as cancelled in its batch, once', async () => {
    const edge = edgeHarness();
    const batch = await (await edge.request('POST', '/v1/batches', { body: { urls: ['https://Shop.example:8443/a', 'https://shop.example:8443/b'] } })).json<{ batchId: string; jobs: { id: string }[] }>();
    const [first, second] = batch.jobs.map((job) => job.id) as [string, string];
    // What a worker leaves for a throttled job: a reservation in the domain's log (domain-acquire-4.lua).
    const log = `${edge.prefix}:domain:shop.example:8443:log`;
    await edge.broker.zadd(log, { score: Date.now() + 600_000, member: `r:${first}` }, { score: Date.now() + 601_000, member: `r:${second}` });
    expect((await edge.request('DELETE', `/v1/jobs/${first}`)).status).toBe(200);
    expect(await edge.broker.zrange(log, 0, -1)).toEqual([`r:${second}`]);
    expect((await edge.request('DELETE', `/v1/jobs/${first}`)).status).toBe(404);
    const view = await (await edge.request('GET', `/v1/batches/${batch.batchId}`)).json<{ total: number; cancelled: number; pending: number; completed: number; failed: number }>();
    expect(view).toMatchObject({ total: 2, cancelled: 1, pending: 1 });
    expect(view.completed + view.failed + view.cancelled + view.pending).toBe(view.total);
  });

  it('answers 409 for an active job and 404 for an unknown one', async () => {
    const edge = edgeHarness();
    const id = await enqueue(edge, { url: 'https://e.com/a' });
    await edge.broker.lrem(`${edge.prefix}:scrape:wait`, 0, id);
    await edge.broker.lpush(`${edge.prefix}:scrape:active`, id);
    const res = await edge.request('DELETE', `/v1/jobs/${id}`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ state: 'active', detail: expect.stringMatching(/running now/) });
    expect((await edge.request('DELETE', '/v1/jobs/no-such-job')).status).toBe(404);
  });
});

describe('failed jobs', () => {
  it('lists failed jobs page by page and replays one', async () => {
    const edge = edgeHarness();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const id = await enqueue(edge, { url: `https://e.com/f${i}` });
      await markFailed(edge, id);
      ids.push(id);
    }
    const page1 = await (await edge.request('GET', '/v1/jobs?status=failed&limit=2')).json<{ total: number; jobs: { id: string; url: string; error: string }[]; nextCursor: string }>();
    expect(page1.total).toBe(3);
    expect(page1.jobs).toHaveLength(2);
    expect(page1.jobs[0]).toMatchObject({ error: 'HTTP 500 from the site' });
    const page2 = await (await edge.request('GET', `/v1/jobs?status=failed&limit=2&cursor=${page1.nextCursor}`)).json<{ jobs: unknown[]; nextCursor: null }>();
    expect(page2.jobs).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();

    const retried = await edge.request('POST', `/v1/jobs/${ids[0]}/retry`);
    expect(retried.status).toBe(202);
    expect(await (await edge.request('GET', `/v1/jobs/${ids[0]}`)).json()).toMatchObject({ status: 'waiting', attempts: { made: 0 } });
    // A replay is a new run: its result callbacks get delivery ids of their own.
    expect(JSON.parse((await edge.broker.hget(`${edge.prefix}:scrape:${ids[0]}`, 'data'))!)).toMatchObject({ run: 1, request: { url: 'https://e.com/f0' } });
    const again = await edge.request('POST', `/v1/jobs/${ids[0]}/retry`);
    expect(again.status).toBe(409);
  });

  it('rejects an unknown status filter', async () => {
    const res = await edgeHarness().request('GET', '/v1/jobs?status=lost');
    expect(res.status).toBe(400);
  });
});
