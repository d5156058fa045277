/**
 * @module test/proxies/conformance
 * The suite every proxy transport passes (the unstorage pattern: one suite, a factory per
 * kind): requests to http and https targets through the proxy, raw tunnels, and failures that
 * `proxyFailureReason` recognises without the credentials ever showing.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyTransport, proxyFailureReason, type ProxyTransport } from '../../worker/src/proxies/transports/index.ts';
import { parseProxyUrl } from '../../worker/src/proxies/proxy-url.ts';
import type { RecordingProxy, SelfSignedCert } from '../support/proxies.ts';

export interface ConformanceSetup {
  /** Starts the kind's proxy with these credentials. */
  start(auth: { username: string; password: string }): Promise<RecordingProxy>;
  /** An http URL and an https URL (self-signed `cert`) the proxy can reach. */
  httpUrl: () => string;
  httpsUrl: () => string;
  cert: () => SelfSignedCert;
  /** TLS options towards the proxy (https proxies). */
  proxyTls?: () => { ca: string };
}

const SECRET = 'pa:ss@word';

export function proxyConformance(kind: string, setup: ConformanceSetup): void {
  describe(`${kind} proxy transport`, () => {
    let proxy: RecordingProxy;
    let transport: ProxyTransport;
    const make = (url: string) => createProxyTransport(parseProxyUrl(url), { requestTls: { ca: setup.cert().cert }, ...(setup.proxyTls ? { proxyTls: setup.proxyTls() } : {}), connectTimeoutMs: 2_000 });

    beforeAll(async () => {
      proxy = await setup.start({ username: 'user', password: SECRET });
      transport = make(proxy.url);
    });
    afterAll(async () => {
      await transport?.close();
      await proxy?.close();
    });

    it('labels the proxy without its credentials', () => {
      expect(transport.label).not.toContain(SECRET);
      expect(transport.label).not.toContain(encodeURIComponent(SECRET));
      expect(transport.label).toMatch(/^\w+:\/\/\*\*\*@127\.0\.0\.\d+:\d+$/);
    });

    it('sends an http request through the proxy', async () => {
      const before = proxy.passed.length;
      const response = await request(setup.httpUrl(), { dispatcher: transport.dispatcher });
      expect(response.statusCode).toBe(200);
      await response.body.text();
      const target = new URL(setup.httpUrl()).host;
      expect(proxy.passed.slice(before).map((p) => p.target)).toContain(target);
      expect(proxy.passed.slice(before).every((p) => p.username === 'user')).toBe(true);
    });

    it('sends an https request through a tunnel, TLS end to end with the site', async () => {
      const before = proxy.passed.length;
      const response = await request(setup.httpsUrl(), { dispatcher: transport.dispatcher });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toContain('secure');
      expect(proxy.passed.slice(before)).toContainEqual({ target: new URL(setup.httpsUrl()).host, method: 'CONNECT', username: 'user' });
    });

    it('opens a raw tunnel to host:port', async () => {
      const target = new URL(setup.httpUrl());
      const socket = await transport.tunnel(target.hostname, Number(target.port));
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\r\n\r\n')) resolve(text);
        });
        socket.on('error', reject);
        socket.write(`GET ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: close\r\n\r\n`);
      });
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
    });

    it('says the proxy refused the credentials, without showing them', async () => {
      const wrong = make(proxy.url.replace(encodeURIComponent(SECRET), 'wrong'));
      try {
        const failure = await request(setup.httpsUrl(), { dispatcher: wrong.dispatcher }).then(() => undefined, (error: unknown) => error);
        expect(proxyFailureReason(failure)).toMatch(/credentials/);
        const tunnelFailure = await wrong.tunnel('127.0.0.2', 80).then(() => undefined, (error: unknown) => error);
        expect(proxyFailureReason(tunnelFailure)).toMatch(/credentials/);
        expect(String((tunnelFailure as Error).message)).not.toContain('wrong');
      } finally {
        await wrong.close();
      }
    });

    it('says the proxy failed when nothing listens there', async () => {
      const url = new URL(proxy.url);
      url.port = '9'; // discard: closed here
      const dead = make(url.href);
      try {
        const failure = await request(setup.httpsUrl(), { dispatcher: dead.dispatcher }).then(() => undefined, (error: unknown) => error);
        expect(proxyFailureReason(failure)).toMatch(/connection failed/);
        const tunnelFailure = await dead.tunnel('127.0.0.2', 80).then(() => undefined, (error: unknown) => error);
        expect(proxyFailureReason(tunnelFailure)).toMatch(/connection failed/);
      } finally {
        await dead.close();
      }
    });
  });
}
