/**
 * Quotas (@upstash/ratelimit) and waiting for a job (long-poll, SSE) inside workerd.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness } from './edge-harness.ts';

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
