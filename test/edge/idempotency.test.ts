/**
 * Idempotency inside workerd: header and field, concurrent identical requests, URL dedupe.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness } from './edge-harness.ts';

type Accepted = { id: string; duplicate: boolean };

describe('idempotency', () => {
  it('50 concurrent identical requests with one key make exactly one job', async () => {
    const edge = edgeHarness();
    const responses = await Promise.all(Array.from({ length: 50 }, () =>
      edge.request('POST', '/v1/jobs', { body: { url: 'https://example.com/c' }, headers: { 'idempotency-key': 'same-key' } })));
    const bodies = await Promise.all(responses.map((r) => r.json<Accepted>()));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(1);
  });

  it('refuses a header that disagrees with the body field', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/jobs', { body: { url: 'https://e.com/', idempotencyKey: 'a' }, headers: { 'idempotency-key': 'b' } });
    expect(res.status).toBe(400);
    expect(await edge.keys()).toEqual([]);
  });

  it('dedupes the same canonical URL within the window, not a different page', async () => {
    const edge = edgeHarness();
    const post = (url: string) => edge.request('POST', '/v1/jobs', { body: { url, dedupeWindowMs: 60_000 } }).then((r) => r.json<Accepted>());
    const first = await post('https://Example.com:443/a?b=2&a=1#top');
    const same = await post('https://example.com/a?a=1&b=2&utm_source=mail');
    const other = await post('https://example.com/a?a=1&b=3');
    expect(same).toEqual({ ...same, id: first.id, duplicate: true });
    expect(other.id).not.toBe(first.id);
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(2);
  });
});
