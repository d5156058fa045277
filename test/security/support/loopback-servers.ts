/**
 * @module test/security/support/loopback-servers
 * Two HTTP servers on the SAME port, one on 127.0.0.1 (the "internal" target the guard must never
 * reach) and one on 127.0.0.2 (allow-listed). Sharing the port makes redirects and DNS rebinding
 * realistic: if the guard failed, the connection would really land on the forbidden server.
 * Every TCP connection and request is logged, so a test can assert the forbidden log stays empty.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from '../../../dev/local/free-port.ts';

export interface RecordingServer {
  host: string;
  port: number;
  /** `http://host:port` */
  origin: string;
  /** "METHOD /path" per request received ("UPGRADE /path" for WebSocket handshakes). */
  requests: string[];
  /** Remote address:port per TCP connection accepted (logged before any HTTP parsing). */
  connections: string[];
}

export type Handler = (req: IncomingMessage, res: ServerResponse, server: RecordingServer) => void;

export interface LoopbackServers {
  forbidden: RecordingServer;
  allowed: RecordingServer;
  close(): Promise<void>;
}

function listen(host: string, port: number, handler: Handler): Promise<{ server: Server; record: RecordingServer; sockets: Set<Socket> }> {
  const record: RecordingServer = { host, port, origin: `http://${host}:${port}`, requests: [], connections: [] };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    record.requests.push(`${req.method} ${req.url}`);
    handler(req, res, record);
  });
  // WebSocket handshakes arrive as 'upgrade', not 'request': log them too, then hang up.
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    record.requests.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  server.on('connection', (socket) => {
    record.connections.push(`${socket.remoteAddress}:${socket.remotePort}`);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, record, sockets }));
  });
}

const defaultHandler: Handler = (_req, res, server) => {
  res.setHeader('content-type', 'text/plain');
  res.end(`hello from ${server.host}`);
};

/** Starts both servers on one free port (retrying if the port is taken on 127.0.0.1). */
export async function startLoopbackServers(handlers: { allowed?: Handler; forbidden?: Handler } = {}): Promise<LoopbackServers> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort('127.0.0.2');
    const allowed = await listen('127.0.0.2', port, handlers.allowed ?? defaultHandler);
    try {
      const forbidden = await listen('127.0.0.1', port, handlers.forbidden ?? defaultHandler);
      const all = [allowed, forbidden];
      return {
        allowed: allowed.record,
        forbidden: forbidden.record,
        close: async () => {
          for (const { sockets } of all) for (const socket of sockets) socket.destroy();
          await Promise.all(all.map(({ server }) => new Promise((resolve) => server.close(resolve))));
        },
      };
    } catch (error) {
      await new Promise((resolve) => allowed.server.close(resolve));
      if (attempt >= 5) throw error;
    }
  }
}
