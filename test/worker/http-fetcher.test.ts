/**
 * @module test/worker/http-fetcher
 * The HTTP fetcher against the real loopback test site: redirects, the URL hook, caps, timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import {
  FetchFailedError, FetchTimeoutError, JobAbortedError, PermanentHttpStatusError, ResponseTooLargeError,
  TooManyRedirectsError, TransientHttpStatusError,
} from '../../worker/src/errors/index.ts';
import { createHttpFetcher, type HttpFetcherOptions } from '../../worker/src/http/http-fetcher.ts';
import { expectedPage } from '../support/test-site-pages.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';

const A = '127.0.0.2';
const B = '127.0.0.3';
let site: TestSite;

beforeAll(async () => {
  site = await startTestSite({ hosts: [A, B] });
});
afterAll(async () => {
  await site?.close();
});

const fetcher = (options: Partial<HttpFetcherOptions> = {}) =>
  createHttpFetcher({ userAgent: 'QuarryTest/1', maxBodyBytes: 64 * 1024, maxRedirects: 5, ...options });

describe('http fetcher', () => {
  it('fetches an HTML page with its status, final URL and user agent', async () => {
    site.clearLog();
    const page = await fetcher().fetch(site.url(A, '/page/3'), { timeoutMs: 5000 });
    expect(page).toMatchObject({ status: 200, finalUrl: site.url(A, '/page/3'), redirects: 0 });
    expect(page.html).toContain(`<title>${expectedPage(3).title}</title>`);
    expect(site.log.map((entry) => [entry.host, entry.path, entry.userAgent])).toEqual([[A, '/page/3', 'QuarryTest/1']]);
  });

  it('decodes a gzip-encoded body', async () => {
    const page = await fetcher().fetch(site.url(A, '/gzip/3'), { timeoutMs: 5000 });
    expect(page.html).toContain(`<h1>${expectedPage(3).h1}</h1>`);
  });

  it('follows redirects across hosts and calls checkUrl before every hop', async () => {
    const seen: string[] = [];
    const target = site.url(B, '/page/2');
    const page = await fetcher({ checkUrl: async (url) => void seen.push(url.href) })
      .fetch(site.url(A, `/redirect?to=${encodeURIComponent(target)}`), { timeoutMs: 5000 });
    expect(page).toMatchObject({ finalUrl: target, redirects: 1, status: 200 });
    expect(seen).toEqual([site.url(A, `/redirect?to=${encodeURIComponent(target)}`), target]);
  });

  it('skips only the first hop\'s check when the caller already checked the URL', async () => {
    const seen: string[] = [];
    const target = site.url(B, '/page/2');
    const page = await fetcher({ checkUrl: async (url) => void seen.push(url.href) })
      .fetch(site.url(A, `/redirect?to=${encodeURIComponent(target)}`), { timeoutMs: 5000, urlChecked: true });
    expect(page).toMatchObject({ finalUrl: target, redirects: 1, status: 200 });
    expect(seen).toEqual([target]); // the redirect hop is still checked
  });

  it('does not send the hop that checkUrl refuses', async () => {
    site.clearLog();
    class Refused extends Error {}
    const refuseB = async (url: URL) => {
      if (url.hostname === B) throw new Refused('no');
    };
    await expect(fetcher({ checkUrl: refuseB }).fetch(site.url(A, `/redirect?to=${encodeURIComponent(site.url(B, '/page/1'))}`), { timeoutMs: 5000 }))
      .rejects.toBeInstanceOf(Refused);
    expect(site.log.map((entry) => entry.host)).toEqual([A]);
  });

  it('calls onRedirect before each redirect hop (after checkUrl), and its error ends the fetch unchanged before the hop is sent', async () => {
    const calls: string[] = [];
    const target = site.url(B, '/chain/1');
    const start = site.url(A, `/redirect?to=${encodeURIComponent(target)}`);
    const page = await fetcher({ checkUrl: async (url) => void calls.push(`check ${url.href}`) })
      .fetch(start, { timeoutMs: 5000, urlChecked: true, onRedirect: async (url) => void calls.push(`hop ${url.href}`) });
    expect(page).toMatchObject({ redirects: 2, finalUrl: site.url(B, '/chain/0') });
    expect(calls).toEqual([`check ${target}`, `hop ${target}`, `check ${site.url(B, '/chain/0')}`, `hop ${site.url(B, '/chain/0')}`]);

    class HopRefused extends Error {}
    site.clearLog();
    const refused = await fetcher().fetch(start, { timeoutMs: 5000, onRedirect: async () => { throw new HopRefused('throttled'); } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HopRefused);
    expect(site.log.map((entry) => entry.host)).toEqual([A]);
  });

  it('follows exactly maxRedirects and fails on one more', async () => {
    await expect(fetcher({ maxRedirects: 3 }).fetch(site.url(A, '/chain/3'), { timeoutMs: 5000 })).resolves.toMatchObject({ redirects: 3 });
    await expect(fetcher({ maxRedirects: 3 }).fetch(site.url(A, '/chain/4'), { timeoutMs: 5000 })).rejects.toBeInstanceOf(TooManyRedirectsError);
  });

  it('throws a class per status family, with Retry-After', async () => {
    await expect(fetcher().fetch(site.url(A, '/status/404'), { timeoutMs: 5000 })).rejects.toBeInstanceOf(PermanentHttpStatusError);
    const error = await fetcher().fetch(site.url(A, '/status/503?retryAfter=2'), { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientHttpStatusError);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 2000 });
  });

  it('stops reading past the byte cap, declared or streamed', async () => {
    const cap = 64 * 1024;
    await expect(fetcher().fetch(site.url(A, `/big?bytes=${cap}`), { timeoutMs: 5000 })).resolves.toMatchObject({ bytes: cap });
    await expect(fetcher().fetch(site.url(A, `/big?bytes=${cap + 1}`), { timeoutMs: 5000 })).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(fetcher().fetch(site.url(A, `/big?bytes=${50 * cap}&declare=1`), { timeoutMs: 5000 })).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('does not download non-HTML bodies', async () => {
    await expect(fetcher().fetch(site.url(A, '/data.json'), { timeoutMs: 5000 }))
      .resolves.toMatchObject({ status: 200, html: null, contentType: 'application/json' });
  });

  it('times out, and tells an outside abort from a timeout', async () => {
    await expect(fetcher().fetch(site.url(A, '/slow?ms=3000'), { timeoutMs: 150 })).rejects.toBeInstanceOf(FetchTimeoutError);
    const controller = new AbortController();
    const pending = fetcher().fetch(site.url(A, '/slow?ms=3000'), { timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(JobAbortedError);
  });

  it('reports a refused connection as a retryable fetch failure', async () => {
    const closedPort = await freePort(A);
    const error = await fetcher().fetch(`http://${A}:${closedPort}/`, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchFailedError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
