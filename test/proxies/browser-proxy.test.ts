/**
 * Proxies in browser mode, with real Chromium behind the guarded local proxy: each page slot's
 * context talks to a guarded proxy of its own, which chains the job's traffic (document,
 * scripts, CONNECT tunnels) to the job's upstream proxy after the SSRF check; the next job on
 * the same slot goes its own way; HTTPS through CONNECT to a self-signed site; SOCKS5; a
 * forbidden target never reaches the proxy.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequestInput } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { parseProxyUrl } from '../../worker/src/proxies/proxy-url.ts';
import { startRequestSite, type RequestSite } from '../support/request-pages.ts';
import { selfSignedCert, startHttpProxy, startSocks5Proxy, startTlsSite, type RecordingProxy, type TlsSite } from '../support/proxies.ts';
import { HOST_A, startHarness, type Harness } from '../worker/harness.ts';

let h: Harness;
let site: RequestSite;
let tlsSite: TlsSite;
let http: RecordingProxy;
let socks: RecordingProxy;
const cert = selfSignedCert(['127.0.0.4']);
/** Chromium trusts exactly this key (the test site's), as a test CA would be trusted. */
const spki = createHash('sha256').update(new X509Certificate(cert.cert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');

beforeAll(async () => {
  [h, site, tlsSite, http, socks] = await Promise.all([
    startHarness(), startRequestSite([HOST_A]), startTlsSite('127.0.0.4', cert),
    startHttpProxy({ host: '127.0.0.5', username: 'u', password: 'browser-secret' }),
    startSocks5Proxy({ host: '127.0.0.8', username: 's', password: 'socks-secret' }),
  ]);
  await h.startWorker({
    browserPages: 1, allowPrivateCidrs: '127.0.0.2/31,127.0.0.4/32',
    proxyPools: new Map([['web', [parseProxyUrl(http.url)]], ['socks', [parseProxyUrl(socks.url)]]]),
  }, { browserArgs: [`--ignore-certificate-errors-spki-list=${spki}`] });
});
afterAll(async () => {
  await Promise.all([h?.close(), site?.close(), tlsSite?.close(), http?.close(), socks?.close()]);
});

async function render(input: Partial<JobRequestInput>) {
  const job = await h.add({ url: site.url('/echo'), mode: 'browser', extract: { h1: 'h1', echo: '#echo' }, attempts: 1, blockResources: [], ...input });
  const done = await h.settled(job, ['completed', 'failed'], 30_000);
  const stored = await h.resultClient.get(resultKey(h.prefix, job.id!));
  return { failedReason: (await done.getState()) === 'failed' ? done.failedReason : undefined, result: stored ? JSON.parse(stored) : undefined };
}

describe('proxies in browser mode', () => {
  it('sends the page and its subresources through the job\'s proxy, and the next job on the slot direct', async () => {
    const from = site.log.length;
    expect((await render({ proxy: { pool: 'web' } })).failedReason).toBeUndefined();
    const proxied = site.log.slice(from);
    expect(proxied.filter((r) => r.path === '/echo' || r.path === '/asset.js').map((r) => r.from)).toEqual(['127.0.0.5', '127.0.0.5']);
    expect(http.passed.map((p) => p.target)).toContain(new URL(site.url('/')).host);

    const next = site.log.length;
    const passedBefore = http.passed.length;
    expect((await render({})).failedReason).toBeUndefined();
    expect(site.log.slice(next).filter((r) => r.path === '/echo').map((r) => r.from)).toEqual(['127.0.0.1']);
    expect(http.passed.length).toBe(passedBefore);
  });

  it('loads an https page through a CONNECT tunnel of the proxy', async () => {
    const before = http.passed.length;
    const { failedReason, result } = await render({ url: tlsSite.url('/shop'), proxy: { pool: 'web' } });
    expect(failedReason).toBeUndefined();
    expect(result.extract.h1).toBe('secure /shop');
    expect(http.passed.slice(before)).toContainEqual({ target: new URL(tlsSite.url('/')).host, method: 'CONNECT', username: 'u' });
  });

  it('goes through SOCKS5', async () => {
    const before = socks.passed.length;
    expect((await render({ proxy: { pool: 'socks' } })).failedReason).toBeUndefined();
    expect(socks.passed.slice(before).map((p) => p.target)).toContain(new URL(site.url('/')).host);
  });

  it('refuses a forbidden target before it reaches the proxy', async () => {
    const before = http.passed.length;
    const { failedReason } = await render({ url: 'http://127.0.0.9:8080/', proxy: { pool: 'web' } });
    expect(failedReason).toMatch(/forbidden address|blocked/i);
    expect(http.passed.length).toBe(before);
  });
});
