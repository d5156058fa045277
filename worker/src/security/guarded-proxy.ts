/**
 * @module worker/src/security/guarded-proxy
 * A loopback HTTP forward proxy that sends Chromium's traffic through the SSRF guard, so browser
 * mode gets what request interception cannot give: DNS pinning (the proxy resolves, judges and
 * connects to the judged address; Chromium never resolves names itself), and coverage of what the
 * DevTools Fetch domain never sees — WebSockets, service-worker fetches, preconnects.
 * Plain http:// arrives as absolute-form requests; https://, ws:// and wss:// as CONNECT tunnels.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { guardedLookup } from './guarded-connector.ts';
import { ForbiddenProtocolError, InvalidHostError } from './errors.ts';
import { parseHost, type ParsedHost } from './host-parser.ts';
import type { SsrfGuard } from './ssrf-guard.ts';

export interface GuardedProxyOptions {
  /** Loopback address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port to listen on. Default 0 (any free port). */
  port?: number;
  /** Called for every refused request or tunnel (for logs/metrics). */
  onRefused?: (target: string, error: unknown) => void;
  /**
   * An upstream proxy to chain through, asked per request and tunnel (a browser slot's job's
   * proxy, worker/src/proxies/). The target is judged here first (`checkUrl` / `checkHost`:
   * scheme and every address it resolves to); the upstream then resolves it again itself, so
   * pinning ends there (README "Through a proxy"). Undefined: connect directly, pinned.
   */
  upstream?: () => UpstreamProxy | undefined;
}

/** What the guarded proxy needs of an upstream proxy (a worker/src/proxies transport). */
export interface UpstreamProxy {
  readonly dispatcher: import('undici').Dispatcher;
  tunnel(host: string, port: number): Promise<Duplex>;
}

export interface GuardedProxy {
  /** `http://127.0.0.1:<port>`: what Chromium's `--proxy-server` should point at. */
  readonly url: string;
  /** Ends every open connection and tunnel (a slot's next job must not reuse the last job's). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** Connection-scoped headers a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const named = String(headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim());
  return Object.fromEntries(
    Object.entries(headers).filter(
      (entry): entry is [string, string | string[]] => entry[1] !== undefined && !HOP_BY_HOP.has(entry[0]) && !named.includes(entry[0]),
    ),
  );
}

interface ConnectAuthority {
  host: ParsedHost;
  port: number;
}

/** `host:port` of a CONNECT request (IPv6 bracketed); the host gets the URL parser's reading. */
function parseAuthority(target: string): ConnectAuthority {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(target);
  const port = Number(match?.[2]);
  if (!match?.[1] || port < 1 || port > 65535) throw new InvalidHostError(target, 'unparseable');
  return { host: parseHost(match[1]), port };
}

const DEFAULTS = { host: '127.0.0.1', port: 0 } as const;

export async function startGuardedProxy(guard: SsrfGuard, options: GuardedProxyOptions = {}): Promise<GuardedProxy> {
  const { host, port, onRefused, upstream } = { ...DEFAULTS, ...options };
  const sockets = new Set<Duplex>();
  const track = <T extends Duplex>(socket: T): T => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '';
    try {
      // Absolute-form http:// only: https and WebSockets come as CONNECT, anything else is refused.
      const url = new URL(target);
      if (url.protocol !== 'http:') throw new ForbiddenProtocolError(url.protocol);
      // The guard's dispatcher resolves, judges and pins at connect time: one lookup, no window.
      // Through an upstream proxy the URL is judged first, and the proxy connects.
      const via = upstream?.();
      if (via) await guard.checkUrl(url);
      const response = await (via?.dispatcher ?? guard.dispatcher).request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method ?? 'GET',
        headers: endToEnd(req.headers),
        body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
      });
      res.writeHead(response.statusCode, endToEnd(response.headers));
      await pipeline(response.body, res);
    } catch (error) {
      onRefused?.(target, error);
      if (!res.headersSent) res.writeHead(403, { 'content-type': 'text/plain' }).end(`Refused by the SSRF guard: ${String(error)}`);
      else res.destroy();
    }
  }

  function tunnel(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const target = req.url ?? '';
    track(client);
    client.on('error', () => client.destroy());
    const refuse = (error: unknown) => {
      onRefused?.(target, error);
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    };
    let authority: ConnectAuthority;
    try {
      authority = parseAuthority(target);
    } catch (error) {
      return refuse(error);
    }
    const { host, port } = authority;
    const hostname = host.kind === 'ip' ? host.address : host.name;
    // net.connect skips `lookup` for IP literals: judge those up front. Names are resolved and judged
    // once, inside guardedLookup, and net connects to exactly those answers.
    const via = upstream?.();
    if (via) {
      // Judged here (every address the name resolves to), then tunnelled through the upstream proxy.
      guard.checkHost(host).then(() => via.tunnel(hostname, port)).then((socket) => {
        track(socket);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) socket.write(head);
        socket.pipe(client);
        client.pipe(socket);
        socket.on('error', () => client.destroy());
        client.on('close', () => socket.destroy());
        socket.on('close', () => client.destroy());
      }, refuse);
      return;
    }
    const literalChecked = host.kind === 'ip' ? guard.checkHost(host) : Promise.resolve([]);
    literalChecked.then(() => {
      const upstream = track(netConnect({ host: hostname, port, lookup: guardedLookup(guard.checkHost) }));
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', (error) => (connected ? client.destroy() : refuse(error)));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    }, refuse);
  }

  const server = createServer((req, res) => void forward(req, res));
  server.on('connect', tunnel);
  server.on('connection', track);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
