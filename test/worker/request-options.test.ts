/**
 * @module test/worker/request-options
 * A job's request options, end to end through a real worker (undici, real Chromium) against a
 * loopback site that echoes what it received: method and body (string, JSON, form; POST in
 * browser mode through interception), headers (same-origin only in the browser), cookies, user
 * agent, locale, time zone, device and the resource types a page skips; redirects after a POST
 * and a login cookie set on a redirect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultKey } from '../../shared/keys.ts';
import type { JobRequestInput } from '../../shared/job-schema.ts';
import { startRequestSite, type RequestSite } from '../support/request-pages.ts';
import { HOST_A, HOST_B, startHarness, type Harness } from './harness.ts';

let h: Harness;
let site: RequestSite;

beforeAll(async () => {
  [h, site] = await Promise.all([startHarness(), startRequestSite([HOST_A, HOST_B])]);
  await h.startWorker({ browserPages: 1 });
});
afterAll(async () => {
  await Promise.all([h?.close(), site?.close()]);
});

interface Echo { method: string; headers: Record<string, string>; body: string }
interface Seen { userAgent: string; language: string; languages: string[]; locale: string; timeZone: string; width: number; touch: number; cookie: string }

async function run(input: Omit<JobRequestInput, 'extract'>): Promise<{ echo: Echo; seen: Seen | null }> {
  const job = await h.add({ attempts: 1, ...(input.mode === 'browser' ? { waitFor: '#done' } : {}), ...input, extract: { echo: '#echo', seen: '#seen' } });
  const done = await h.settled(job, ['completed', 'failed'], 30_000);
  expect(done.failedReason).toBeUndefined();
  const result = JSON.parse((await h.resultClient.get(resultKey(h.prefix, job.id!)))!);
  return { echo: JSON.parse(result.extract.echo), seen: result.extract.seen ? JSON.parse(result.extract.seen) : null };
}

describe('request options in http mode', () => {
  it('POSTs JSON, a form and a string, each with its Content-Type', async () => {
    const json = await run({ url: site.url('/echo'), method: 'POST', body: { json: { q: 'shoes', page: 2 } } });
    expect(json.echo).toMatchObject({ method: 'POST', body: '{"q":"shoes","page":2}', headers: { 'content-type': 'application/json' } });
    const form = await run({ url: site.url('/echo'), method: 'PUT', body: { form: { a: '1 2', tag: ['x', 'y'] } } });
    expect(form.echo).toMatchObject({ method: 'PUT', body: 'a=1+2&tag=x&tag=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const text = await run({ url: site.url('/echo'), method: 'PATCH', body: '<x/>', headers: { 'Content-Type': 'application/xml' } });
    expect(text.echo).toMatchObject({ method: 'PATCH', body: '<x/>', headers: { 'content-type': 'application/xml' } });
  });

  it('sends headers, cookies, the user agent and Accept-Language for the locale', async () => {
    const { echo } = await run({
      url: site.url('/echo'), headers: { 'X-Api-Key': 'k-1', Accept: 'text/html' }, userAgent: 'TestAgent/1.0', locale: 'de-DE',
      cookies: [{ name: 'a', value: '1' }, { name: 'other', value: '2', domain: 'other.example' }],
    });
    expect(echo.headers).toMatchObject({ 'x-api-key': 'k-1', accept: 'text/html', 'user-agent': 'TestAgent/1.0', 'accept-language': 'de-DE,de;q=0.9', cookie: 'a=1' });
  });

  it('sends a mobile user agent for device "mobile"', async () => {
    const { echo } = await run({ url: site.url('/echo'), device: 'mobile' });
    expect(echo.headers['user-agent']).toMatch(/Android.*Mobile/);
  });

  it('continues a POST as a GET without body after a 303, and resends it after a 307', async () => {
    const seeOther = await run({ url: site.url('/see-other'), method: 'POST', body: 'x=1' });
    expect(seeOther.echo).toMatchObject({ method: 'GET', body: '' });
    expect(seeOther.echo.headers['content-type']).toBeUndefined();
    const temporary = await run({ url: site.url('/temporary'), method: 'POST', body: 'x=1' });
    expect(temporary.echo).toMatchObject({ method: 'POST', body: 'x=1' });
  });

  it('carries a cookie set on a redirect to the next hop, with the job\'s own', async () => {
    const { echo } = await run({ url: site.url('/login'), cookies: [{ name: 'mine', value: 'v' }] });
    expect(echo.headers.cookie).toBe('mine=v; login=yes');
  });
});

describe('request options in browser mode', () => {
  it('POSTs the first navigation with its body through interception', async () => {
    const { echo } = await run({ url: site.url('/echo'), mode: 'browser', method: 'POST', body: { form: { q: 'boots' } } });
    expect(echo).toMatchObject({ method: 'POST', body: 'q=boots', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  });

  it('sends the job\'s headers to the page\'s origin only, never to a third party', async () => {
    const before = site.log.length;
    const { echo } = await run({ url: site.url('/echo'), mode: 'browser', headers: { 'X-Api-Key': 'k-2' }, blockResources: [] });
    expect(echo.headers['x-api-key']).toBe('k-2');
    const later = site.log.slice(before);
    const sameOrigin = later.filter((entry) => entry.host === HOST_A && entry.path === '/asset.js');
    const thirdParty = later.filter((entry) => entry.host === HOST_B && entry.path === '/probe.js');
    expect(sameOrigin).toHaveLength(1);
    expect(sameOrigin[0]!.headers['x-api-key']).toBe('k-2');
    expect(thirdParty).toHaveLength(1);
    expect(thirdParty[0]!.headers['x-api-key']).toBeUndefined();
  });

  it('sets cookies, user agent, locale, time zone and the mobile device in the page', async () => {
    const { echo, seen } = await run({
      url: site.url('/echo'), mode: 'browser', cookies: [{ name: 'c', value: '3' }, { name: 'h', value: '4', httpOnly: true }],
      userAgent: 'PageAgent/2.0', locale: 'fr-CA', timezone: 'Asia/Tokyo', device: 'mobile',
    });
    expect(echo.headers).toMatchObject({ cookie: 'c=3; h=4', 'user-agent': 'PageAgent/2.0', 'accept-language': 'fr-CA,fr;q=0.9' });
    expect(seen).toMatchObject({ userAgent: 'PageAgent/2.0', language: 'fr-CA', locale: 'fr-CA', timeZone: 'Asia/Tokyo', width: 390, cookie: 'c=3' });
    expect(seen!.touch).toBeGreaterThan(0);
  });

  it('skips the resource types of blockResources (default: images, fonts, media, stylesheets)', async () => {
    const count = (from: number, path: string) => site.log.slice(from).filter((entry) => entry.path === path).length;
    let from = site.log.length;
    await run({ url: site.url('/echo'), mode: 'browser' });
    expect([count(from, '/asset.png'), count(from, '/asset.css'), count(from, '/asset.js')]).toEqual([0, 0, 1]);
    from = site.log.length;
    await run({ url: site.url('/echo'), mode: 'browser', blockResources: ['script'], waitFor: '#echo' });
    expect([count(from, '/asset.png'), count(from, '/asset.css'), count(from, '/asset.js')]).toEqual([1, 1, 0]);
  });
});
