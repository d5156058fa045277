/**
 * @module worker/proxies/transports/socks5
 * socks5:// proxies, on the `socks` package (username/password auth, RFC 1929; the target's
 * name goes to the proxy, which resolves it). Tunnels are SOCKS CONNECTs; requests run on an
 * undici Agent whose connector opens a tunnel and, for https targets, starts TLS inside it.
 */
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { SocksClient } from 'socks';
import { Agent, type buildConnector } from 'undici';
import type { ProxyTransport, TransportFactory } from './proxy-transport.ts';
import { ProxyConnectionError } from './proxy-transport.ts';

/** SOCKS replies that mean the target, not the proxy, failed (RFC 1928 §6: codes 3-5). */
const TARGET_FAILURES = /HostUnreachable|NetworkUnreachable|ConnectionRefused|TTLExpired/;

export const socks5Transport: TransportFactory = (endpoint, options) => {
  const { url, label, username, password } = endpoint;
  const timeout = options.connectTimeoutMs ?? 10_000;

  async function tunnel(host: string, port: number, signal?: AbortSignal): Promise<Duplex> {
    try {
      const { socket } = await SocksClient.createConnection({
        proxy: { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port), type: 5, ...(username !== '' ? { userId: username, password } : {}) },
        command: 'connect', destination: { host: host.replace(/^\[|\]$/g, ''), port }, timeout,
      });
      return socket;
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (TARGET_FAILURES.test(message)) throw Object.assign(new Error(`proxy ${label} could not reach ${host}:${port}: ${message}`), { code: 'PROXY_TARGET_UNREACHABLE' });
      throw new ProxyConnectionError(label, /Authentication/i.test(message) ? 'it refused the credentials' : `connection failed (${message})`, error);
    }
  }

  const connect: buildConnector.connector = (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    tunnel(opts.hostname, port).then((socket) => {
      if (opts.protocol !== 'https:') return callback(null, socket as never);
      const secure = tlsConnect({ socket: socket as never, servername: opts.servername ?? opts.hostname, ALPNProtocols: ['http/1.1'], ...options.requestTls });
      secure.once('secureConnect', () => callback(null, secure));
      secure.once('error', (error) => callback(error, null));
    }, (error: Error) => callback(error, null));
  };
  const dispatcher = new Agent({ connect });

  return {
    kind: 'socks5', id: endpoint.id, label, dispatcher, tunnel,
    async close() {
      await dispatcher.destroy().catch(() => undefined);
    },
  } satisfies ProxyTransport;
};
