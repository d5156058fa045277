/**
 * @module test/politeness/site-log-server
 * A tiny loopback "site" that logs when each request arrived and how many were in flight,
 * so politeness is judged by what the site saw, not by what the limiter believed.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '../../dev/local/free-port.ts';

/** Requests to this path are answered at once and not logged. */
export const WARM_UP_PATH = '/__warm-up';

export interface SiteLogServer {
  /** `http://<host>:<port>` */
  readonly origin: string;
  /** Arrival times, epoch ms with sub-ms precision, in arrival order (warm-up requests excluded). */
  readonly arrivals: number[];
  /** Arrival time of each logged request path. */
  readonly arrivalByPath: Map<string, number>;
  /** Most requests in flight at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

export interface SiteLogServerOptions {
  /** Loopback address: 127.0.0.2, 127.0.0.3… are distinct "domains". */
  host: string;
  /** How long each response takes, ms (a real page is not instant; this makes concurrency matter). */
  responseDelayMs?: number;
}

export async function startSiteLogServer(options: SiteLogServerOptions): Promise<SiteLogServer> {
  const { host, responseDelayMs = 0 } = options;
  const arrivals: number[] = [];
  const arrivalByPath = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((request, response) => {
    const at = performance.timeOrigin + performance.now();
    // A worker's warm-up request (first fetch loads the HTTP client, opens the connection) is
    // not part of the measured traffic.
    if (request.url === WARM_UP_PATH) {
      response.end('warm');
      return;
    }
    arrivals.push(at);
    arrivalByPath.set(request.url ?? '', at);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    request.resume();
    setTimeout(() => {
      inFlight -= 1;
      response.end('ok');
    }, responseDelayMs);
  });
  const port = await freePort(host);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    origin: `http://${host}:${port}`,
    arrivals,
    arrivalByPath,
    maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
