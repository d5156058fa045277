/**
 * @module worker/proxies/transports/http
 * http:// and https:// forward proxies. Requests: undici's ProxyAgent (absolute-form for http
 * targets, so proxies that only CONNECT to port 443 still serve them; CONNECT for https).
 * Tunnels: an undici Client to the proxy sends CONNECT host:port with the credentials (Basic)
 * and hands back the socket. Over an https:// proxy both run inside TLS to the proxy.
 */
import type { Duplex } from 'node:stream';
import { Client, ProxyAgent } from 'undici';
import type { ProxyTransport, TransportFactory } from './proxy-transport.ts';
import { ProxyConnectionError } from './proxy-transport.ts';

export const httpTransport: TransportFactory = (endpoint, options) => {
  const { url, label, username, password, kind } = endpoint;
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const authorization = username !== '' || password !== '' ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` : undefined;
  const dispatcher = new ProxyAgent({
    uri: url.origin, ...(authorization ? { token: authorization } : {}), connectTimeout,
    ...(options.proxyTls ? { proxyTls: options.proxyTls } : {}), ...(options.requestTls ? { requestTls: options.requestTls } : {}),
  });
  const tunnels = new Set<Client>();

  async function tunnel(host: string, port: number, signal?: AbortSignal): Promise<Duplex> {
    const client = new Client(url.origin, { connect: { timeout: connectTimeout, ...(kind === 'https' ? options.proxyTls : {}) } });
    tunnels.add(client);
    const authority = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
    try {
      const { statusCode, socket } = await client.connect({
        path: authority, headers: { host: authority, ...(authorization ? { 'proxy-authorization': authorization } : {}) }, ...(signal ? { signal } : {}),
      });
      if (statusCode !== 200) {
        socket.destroy();
        throw statusCode === 407 ? new ProxyConnectionError(label, 'it refused the credentials (407)') : Object.assign(new Error(`proxy ${label} answered ${statusCode} to CONNECT ${authority}`), { code: `PROXY_${statusCode}` });
      }
      // The socket now belongs to the caller; the client has nothing left to do.
      socket.once('close', () => {
        tunnels.delete(client);
        void client.close().catch(() => undefined);
      });
      return socket;
    } catch (error) {
      tunnels.delete(client);
      void client.destroy().catch(() => undefined);
      if (error instanceof ProxyConnectionError || (error as { code?: string }).code?.startsWith('PROXY_')) throw error;
      // undici answers a non-200 CONNECT as an error with the status in it.
      const status = /\b(\d{3})\b/.exec((error as Error).message ?? '')?.[1];
      if (status === '407') throw new ProxyConnectionError(label, 'it refused the credentials (407)', error);
      if ((error as { code?: string }).code === 'UND_ERR_ABORTED' || signal?.aborted) throw error;
      throw new ProxyConnectionError(label, `connection failed (${(error as { code?: string }).code ?? (error as Error).message})`, error);
    }
  }

  const transport: ProxyTransport = {
    kind, id: endpoint.id, label, dispatcher, tunnel,
    async close() {
      await Promise.all([dispatcher.destroy(), ...[...tunnels].map((client) => client.destroy())]).catch(() => undefined);
    },
  };
  return transport;
};
