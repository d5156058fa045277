/**
 * @module worker/proxies/transports
 * The transport registry: a factory per proxy kind.
 */
import type { ProxyEndpoint, ProxyKind } from '../proxy-url.ts';
import { httpTransport } from './http.ts';
import type { ProxyTransport, TransportFactory, TransportOptions } from './proxy-transport.ts';
import { socks5Transport } from './socks5.ts';

export const TRANSPORTS: Readonly<Record<ProxyKind, TransportFactory>> = { http: httpTransport, https: httpTransport, socks5: socks5Transport };

export function createProxyTransport(endpoint: ProxyEndpoint, options: TransportOptions = {}): ProxyTransport {
  return TRANSPORTS[endpoint.kind](endpoint, options);
}

export { proxyFailureReason, ProxyConnectionError, type ProxyTransport, type TransportOptions } from './proxy-transport.ts';
