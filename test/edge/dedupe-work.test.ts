/**
 * The dedupe window returns an earlier job only when it does the same work: the canonical URL
 * and every scrape option that changes the result, `formats` and the narrowing options included.
 * Before, a markdown job within the window got an earlier job's id whose result had no markdown.
 * Request control's options (request fields, proxy, actions) are scrape options like the others.
 */
import { describe, expect, it } from 'vitest';
import { edgeHarness } from './edge-harness.ts';

interface Accepted { id: string; duplicate: boolean }

describe('dedupe window and scrape options', () => {
  it('a job that asks for other formats or narrowing is a new job; the same options (in any key order) are the same job', async () => {
    const edge = edgeHarness();
    const url = `https://example.com/dedupe/${crypto.randomUUID()}`;
    const post = async (options: Record<string, unknown>) =>
      (await edge.request('POST', '/v1/jobs', { body: { url, dedupeWindowMs: 60_000, ...options } })).json<Accepted>();

    const plain = await post({});
    const markdown = await post({ formats: ['markdown'] });
    expect(markdown.id).not.toBe(plain.id);
    expect(markdown.duplicate).toBe(false);

    const variants = [
      { formats: ['markdown', 'links'] },
      { formats: ['markdown'], onlyMainContent: true },
      { formats: ['markdown'], includeTags: ['article'] },
      { formats: ['markdown'], excludeTags: ['nav'] },
      { formats: ['html'], excludeTags: ['nav'] },
    ];
    const ids = new Set([plain.id, markdown.id]);
    for (const variant of variants) {
      const accepted = await post(variant);
      expect(accepted.duplicate, JSON.stringify(variant)).toBe(false);
      ids.add(accepted.id);
    }
    expect(ids.size).toBe(2 + variants.length);

    // The same work again, within the window: the earlier job.
    expect(await post({ formats: ['markdown'] })).toEqual({ ...markdown, duplicate: true, status: 'duplicate', statusUrl: expect.any(String) });
    expect((await post({ excludeTags: ['nav'], formats: ['html'] })).duplicate).toBe(true);
    expect((await post({ url: `${url}#fragment`, formats: ['markdown'], onlyMainContent: true })).duplicate).toBe(true);
  });

  it('request control options count too: the proxy choice and actions; header names and an explicit GET do not', async () => {
    const edge = edgeHarness();
    const url = `https://example.com/dedupe/${crypto.randomUUID()}`;
    const post = async (options: Record<string, unknown>) =>
      (await edge.request('POST', '/v1/jobs', { body: { url, dedupeWindowMs: 60_000, ...options } })).json<Accepted>();

    const plain = await post({});
    const proxied = await post({ proxy: { pool: 'residential' } });
    const other = await post({ proxy: { pool: 'datacenter' } });
    const direct = await post({ proxy: 'none' });
    const acting = await post({ mode: 'browser', actions: [{ type: 'click', selector: '#more' }] });
    const browser = await post({ mode: 'browser' });
    expect(new Set([plain, proxied, other, direct, acting, browser].map((job) => job.id)).size).toBe(6);
    expect((await post({ proxy: { pool: 'residential' } })).id).toBe(proxied.id);
    expect((await post({ method: 'GET' })).id).toBe(plain.id);

    const withHeader = await post({ headers: { 'X-Api-Key': 'k1' } });
    expect(withHeader.duplicate).toBe(false);
    expect((await post({ headers: { 'x-api-key': 'k1' } })).id).toBe(withHeader.id);
    expect((await post({ headers: { 'X-Api-Key': 'k2' } })).duplicate).toBe(false);

    // What the site is asked: another body or device is other work; header order and case are not.
    const posted = await post({ method: 'POST', body: 'x', headers: { 'X-A': '1', 'X-B': '2' } });
    expect(posted.duplicate).toBe(false);
    expect((await post({ method: 'POST', body: 'x', headers: { 'x-b': '2', 'x-a': '1' } })).id).toBe(posted.id);
    expect((await post({ method: 'POST', body: 'y', headers: { 'X-A': '1', 'X-B': '2' } })).duplicate).toBe(false);
    expect((await post({ mode: 'browser', device: 'mobile' })).id).not.toBe(browser.id);
  });
});
