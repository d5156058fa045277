/**
 * @module worker/proxies/transports/proxy-transport
 * The proxy adapter: one interface, a factory per kind of proxy (http.ts for http:// and
 * https:// proxies, socks5.ts), like unstorage's drivers; test/proxies/conformance.ts runs the
 * same suite against each. A transport gives the two things the loaders need:
 * - `dispatcher`: an undici dispatcher whose requests go out through the proxy (http mode);
 * - `tunnel(host, port)`: a raw TCP stream to `host:port` through the proxy (the guarded local
 *   proxy chains Chromium's CONNECT tunnels and plain requests through it in browser mode).
 * The proxy resolves the target's name itself: the worker's SSRF guard checks the URL before
 * (worker/src/security/README.md, "Through a proxy").
 */
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import type { Dispatcher } from 'undici';
import type { ProxyEndpoint, ProxyKind } from '../proxy-url.ts';

export interface ProxyTransport {
  readonly kind: ProxyKind;
  readonly id: string;
  /** Credentials masked: the only name of the proxy that may be logged. */
  readonly label: string;
  readonly dispatcher: Dispatcher;
  /** Opens a byte stream to `host:port` through the proxy; rejects with `ProxyFailedError` when the proxy itself failed. */
  tunnel(host: string, port: number, signal?: AbortSignal): Promise<Duplex>;
  close(): Promise<void>;
}

export interface TransportOptions {
  /** TLS options towards an https:// proxy (e.g. `ca` for a private CA). */
  proxyTls?: ConnectionOptions;
  /** TLS options towards https targets inside the tunnel (http mode). */
  requestTls?: ConnectionOptions;
  /** Give up connecting to the proxy (and its handshake) after this long. Default 10 s. */
  connectTimeoutMs?: number;
}

export type TransportFactory = (endpoint: ProxyEndpoint, options: TransportOptions) => ProxyTransport;

/** Socket-level failures: with a proxy every connection goes to the proxy, so these are the proxy's. */
const PROXY_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** Walks an error's cause chain. */
function* chain(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/**
 * Why the proxy failed, when `error` (whatever the fetcher or renderer made of it) says so;
 * undefined when the failure was the target's (a 502 from the proxy for an unreachable site
 * is the site's), or not a network failure at all.
 */
export function proxyFailureReason(error: unknown): string | undefined {
  for (const link of chain(error)) {
    if (!(link instanceof Error)) continue;
    if ((link as { proxyFailure?: string }).proxyFailure) return (link as { proxyFailure?: string }).proxyFailure;
    if (/Proxy response \(407\)/.test(link.message)) return 'it refused the credentials (407)';
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && PROXY_SOCKET_CODES.has(code)) return `connection failed (${code})`;
    if (/ERR_PROXY_CONNECTION_FAILED|ERR_TUNNEL_CONNECTION_FAILED/.test(link.message)) return 'connection failed';
  }
  return undefined;
}

/** An error the transports throw for a failed proxy, recognised by `proxyFailureReason` through any wrapping. */
export class ProxyConnectionError extends Error {
  readonly proxyFailure: string;
  constructor(label: string, reason: string, cause?: unknown) {
    super(`proxy ${label}: ${reason}`, { cause });
    this.name = 'ProxyConnectionError';
    this.proxyFailure = reason;
  }
}
