/**
 * @module test/support/proxies
 * Real forward proxies on loopback addresses that record what passes through them: http:// and
 * https:// ones on proxy-chain's Server (Basic auth, CONNECT and absolute-form), a small SOCKS5
 * server of our own (RFC 1928 + 1929 username/password; proxy-chain does not serve SOCKS), and
 * a TLS site with a self-signed certificate made by openssl for the test to trust.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server as ProxyChainServer } from 'proxy-chain';

export interface PassedRequest {
  /** `host:port` the client asked for. */
  target: string;
  /** CONNECT (tunnel) or the method of a forwarded http request. */
  method: string;
  /** The user the client authenticated as ('' without auth). */
  username: string;
}

export interface RecordingProxy {
  /** The proxy URL with credentials, as QUARRY_PROXY_POOLS takes it. */
  readonly url: string;
  readonly passed: PassedRequest[];
  /** Requests the proxy refused (bad credentials, blocked). */
  readonly refused: number;
  /** From now on answer every forwarded http request with this status (403 to play a blocked IP), or refuse tunnels; undefined: forward. */
  block(status: number | undefined): void;
  close(): Promise<void>;
}

export interface ProxyOptions {
  host: string;
  username?: string;
  password?: string;
  /** Serve the proxy itself over TLS (an https:// proxy). */
  tls?: { key: string; cert: string };
}

export async function startHttpProxy(options: ProxyOptions): Promise<RecordingProxy> {
  const passed: PassedRequest[] = [];
  let refused = 0;
  let blocked: number | undefined;
  const serverType = options.tls ? { serverType: 'https' as const, httpsOptions: { key: options.tls.key, cert: options.tls.cert } } : { serverType: 'http' as const };
  const server = new ProxyChainServer({
    host: options.host, port: 0, ...serverType,
    prepareRequestFunction: ({ username, password, hostname, port, isHttp, request }) => {
      if (options.username !== undefined && (username !== options.username || password !== options.password)) {
        refused++;
        return { requestAuthentication: true };
      }
      passed.push({ target: `${hostname}:${port}`, method: isHttp ? request.method ?? 'GET' : 'CONNECT', username: username ?? '' });
      if (blocked !== undefined) {
        refused++;
        if (!isHttp) return { failMsg: 'blocked', localAddress: options.host };
        const status = blocked;
        return { customResponseFunction: () => ({ statusCode: status, body: 'blocked by the test proxy', headers: { 'content-type': 'text/plain' } }) };
      }
      // The proxy connects from its own address, so a site can tell proxied requests from direct ones.
      return { localAddress: options.host };
    },
  });
  await server.listen();
  const scheme = options.tls ? 'https' : 'http';
  const auth = options.username !== undefined ? `${encodeURIComponent(options.username)}:${encodeURIComponent(options.password ?? '')}@` : '';
  return {
    url: `${scheme}://${auth}${options.host}:${server.port}`,
    passed,
    get refused() { return refused; },
    block(status) { blocked = status; },
    close: () => server.close(true),
  };
}

/** A SOCKS5 server (CONNECT only) that records each destination. */
export async function startSocks5Proxy(options: ProxyOptions): Promise<RecordingProxy> {
  const passed: PassedRequest[] = [];
  let refused = 0;
  let blocked: number | undefined;
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buffer = Buffer.alloc(0);
    let stage: 'greeting' | 'auth' | 'request' | 'piped' = 'greeting';
    let user = '';
    client.on('data', (chunk: Buffer) => {
      if (stage === 'piped') return;
      buffer = Buffer.concat([buffer, chunk]);
      if (stage === 'greeting') {
        if (buffer.length < 2 || buffer.length < 2 + buffer[1]!) return;
        const methods = [...buffer.subarray(2, 2 + buffer[1]!)];
        buffer = buffer.subarray(2 + buffer[1]!);
        const wanted = options.username !== undefined ? 0x02 : 0x00;
        if (!methods.includes(wanted)) return void client.end(Buffer.from([5, 0xff]));
        client.write(Buffer.from([5, wanted]));
        stage = wanted === 0x02 ? 'auth' : 'request';
      }
      if (stage === 'auth') {
        if (buffer.length < 2) return;
        const ulen = buffer[1]!;
        if (buffer.length < 3 + ulen || buffer.length < 3 + ulen + buffer[2 + ulen]!) return;
        const plen = buffer[2 + ulen]!;
        user = buffer.subarray(2, 2 + ulen).toString();
        const pass = buffer.subarray(3 + ulen, 3 + ulen + plen).toString();
        buffer = buffer.subarray(3 + ulen + plen);
        if (user !== options.username || pass !== options.password) {
          refused++;
          return void client.end(Buffer.from([1, 1]));
        }
        client.write(Buffer.from([1, 0]));
        stage = 'request';
      }
      if (stage === 'request') {
        if (buffer.length < 5) return;
        const type = buffer[3]!;
        const addressLength = type === 1 ? 4 : type === 4 ? 16 : 1 + buffer[4]!;
        if (buffer.length < 4 + addressLength + 2) return;
        const raw = buffer.subarray(4, 4 + addressLength);
        const host = type === 1 ? [...raw].join('.') : type === 4 ? raw.toString('hex').replace(/(.{4})(?!$)/g, '$1:') : raw.subarray(1).toString();
        const port = buffer.readUInt16BE(4 + addressLength);
        const rest = buffer.subarray(4 + addressLength + 2);
        passed.push({ target: `${host}:${port}`, method: 'CONNECT', username: user });
        stage = 'piped';
        if (blocked !== undefined) {
          refused++;
          return void client.end(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]));
        }
        const upstream = netConnect({ host, port }, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream);
          upstream.pipe(client);
        });
        sockets.add(upstream);
        upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
        upstream.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
        client.on('close', () => upstream.destroy());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  const auth = options.username !== undefined ? `${encodeURIComponent(options.username)}:${encodeURIComponent(options.password ?? '')}@` : '';
  return {
    url: `socks5://${auth}${options.host}:${port}`,
    passed,
    get refused() { return refused; },
    block(status) { blocked = status; },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SelfSignedCert {
  key: string;
  cert: string;
}

/** A fresh self-signed certificate for these loopback addresses (P-256, one day). */
export function selfSignedCert(addresses: readonly string[]): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', `/CN=${addresses[0]}`,
      '-addext', `subjectAltName=${addresses.map((a) => `IP:${a}`).join(',')}`,
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsSite {
  url(path: string): string;
  readonly hits: string[];
  close(): Promise<void>;
}

/** An https site on `host` answering every path with a small page naming the path. */
export async function startTlsSite(host: string, cert: SelfSignedCert): Promise<TlsSite> {
  const hits: string[] = [];
  const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    hits.push(req.url ?? '/');
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>tls</title><h1>secure ${(req.url ?? '/').replace(/[<&]/g, '')}</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `https://${host}:${port}${path}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
