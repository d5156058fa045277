/**
 * @module worker/health-server
 * The probe endpoint: `/healthz` (the process serves HTTP), `/readyz` (it can take jobs) and
 * `/metrics` (Prometheus text, when a registry is given).
 */
import { createServer, type Server } from 'node:http';

export interface HealthServerOptions {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  /** Listen address. */
  host: string;
  /** True while the broker connection is up and the worker is taking jobs. */
  isReady: () => boolean;
  /** Served at `/metrics`. */
  metrics?: { contentType: string; metrics(): Promise<string> };
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { port, host, isReady, metrics } = { ...options };
  const server: Server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/metrics' && metrics) {
      void metrics.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(text);
      }, () => res.writeHead(500).end());
      return;
    }
    const ok = path === '/healthz' ? true : path === '/readyz' ? isReady() : undefined;
    res.writeHead(ok === undefined ? 404 : ok ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(ok === undefined ? 'not found\n' : ok ? 'ok\n' : 'not ready\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
