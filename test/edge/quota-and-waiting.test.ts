/**
 * Quotas (@upstash/ratelimit) and waiting for a job (long-poll, SSE) inside workerd.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness, testKeys } from './edge-harness.ts';

describe('quota', () => {
  it('answers 429 with Retry-After and RateLimit headers past the per-key limit', async () => {
    const edge = edgeHarness({ QUARRY_QUOTA_REQUESTS: '3', QUARRY_QUOTA_WINDOW_SECONDS: '60' });
    const statuses = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await edge.request('POST', '/v1/jobs', { body: { url: `https://e.com/${i}` } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('ratelimit-limit')).toBe('3');
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(3);
  });
});

describe('waiting for a job', () => {
  it('long-polls until the job finishes', async () => {
    const edge = edgeHarness();
    const { id } = await (await edge.request('POST', '/v1/jobs', { body: { url: 'https://e.com/lp' } })).json<{ id: string }>();
    const pending = edge.request('GET', `/v1/jobs/${id}?wait=10`);
    // Finish the job the way a worker does, after the poll started.
    await edge.broker.lrem(`${edge.prefix}:scrape:wait`, 0, id);
    await edge.broker.zadd(`${edge.prefix}:scrape:completed`, { score: Date.now(), member: id });
    const view = await (await pending).json();
    expect(view).toMatchObject({ id, status: 'completed' });
  });

  it('streams status and a final event over SSE', async () => {
    const edge = edgeHarness();
    const { id } = await (await edge.request('POST', '/v1/jobs', { body: { url: 'https://e.com/sse' } })).json<{ id: string }>();
    const res = await edge.request('GET', `/v1/jobs/${id}/events`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const first = await reader.read();
    text += decoder.decode(first.value);
    expect(text).toMatch(/event: status/);
    await edge.broker.lrem(`${edge.prefix}:scrape:wait`, 0, id);
    await edge.broker.zadd(`${edge.prefix}:scrape:failed`, { score: Date.now(), member: id });
    await edge.broker.hset(`${edge.prefix}:scrape:${id}`, { failedReason: 'boom' });
    while (!/event: failed/.test(text)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    expect(text).toMatch(/event: failed\ndata: .*"error":"boom"/);
  });
});

describe('event streams per API key', () => {
  const open = async (edge: ReturnType<typeof edgeHarness>, id: string, auth?: string) => edge.request('GET', `/v1/jobs/${id}/events`, auth ? { auth } : {});

  it('past QUARRY_MAX_SSE_STREAMS a key gets a 429 saying how many are open; a closed stream frees its slot', async () => {
    const edge = edgeHarness({ QUARRY_MAX_SSE_STREAMS: '2' });
    const { a1, a2 } = testKeys();
    const { id } = await (await edge.request('POST', '/v1/jobs', { body: { url: 'https://e.com/sse-cap' }, auth: a1 })).json<{ id: string }>();
    const first = await open(edge, id, a1);
    const second = await open(edge, id, a1);
    expect([first.status, second.status]).toEqual([200, 200]);
    const refused = await open(edge, id, a1);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ open: 2, max: 2, detail: expect.stringMatching(/2 event streams open/) });
    // The cap is per key: the tenant's other key has slots of its own.
    const otherKey = await open(edge, id, a2);
    expect(otherKey.status).toBe(200);
    await first.body!.cancel();
    const deadline = Date.now() + 5000;
    let again = await open(edge, id, a1);
    while (again.status === 429 && Date.now() < deadline) {
      await again.body?.cancel();
      again = await open(edge, id, a1);
    }
    expect(again.status).toBe(200);
    await Promise.all([second.body!.cancel(), otherKey.body!.cancel(), again.body!.cancel()]);
  });

  it('a slot whose stream died without giving it back expires by itself', async () => {
    const edge = edgeHarness({ QUARRY_MAX_SSE_STREAMS: '1' });
    const { id } = await (await edge.request('POST', '/v1/jobs', { body: { url: 'https://e.com/sse-ghost' } })).json<{ id: string }>();
    const first = await open(edge, id);
    expect(first.status).toBe(200);
    // What a killed isolate leaves: its slot, until the expiry it was scored with.
    const [setKey] = (await edge.keys()).filter((key) => key.includes(':sse:'));
    const [member] = await edge.broker.zrange(setKey!, 0, 0);
    await edge.broker.zadd(setKey!, { score: Date.now() - 1, member: member as string });
    const second = await open(edge, id);
    expect(second.status).toBe(200);
    await Promise.all([first.body!.cancel(), second.body!.cancel()]);
  });
});
