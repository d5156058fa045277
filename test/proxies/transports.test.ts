/**
 * The proxy transports, each against a real local proxy of its kind (http, https, socks5),
 * through the shared conformance suite.
 */
import { afterAll, beforeAll } from 'vitest';
import { startRequestSite, type RequestSite } from '../support/request-pages.ts';
import { selfSignedCert, startHttpProxy, startSocks5Proxy, startTlsSite, type SelfSignedCert, type TlsSite } from '../support/proxies.ts';
import { proxyConformance } from './conformance.ts';

let site: RequestSite;
let tlsSite: TlsSite;
let cert: SelfSignedCert;

beforeAll(async () => {
  cert = selfSignedCert(['127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7']);
  [site, tlsSite] = await Promise.all([startRequestSite(['127.0.0.2']), startTlsSite('127.0.0.4', cert)]);
});
afterAll(async () => {
  await Promise.all([site?.close(), tlsSite?.close()]);
});

const common = { httpUrl: () => site.url('/echo'), httpsUrl: () => tlsSite.url('/secure'), cert: () => cert };

proxyConformance('http', { ...common, start: (auth) => startHttpProxy({ host: '127.0.0.5', ...auth }) });
proxyConformance('https', { ...common, start: (auth) => startHttpProxy({ host: '127.0.0.6', ...auth, tls: cert }), proxyTls: () => ({ ca: cert.cert }) });
proxyConformance('socks5', { ...common, start: (auth) => startSocks5Proxy({ host: '127.0.0.7', ...auth }) });
