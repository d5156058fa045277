/**
 * @module test/support/test-site
 * A local multi-host test website on loopback (127.0.0.2, 127.0.0.3, …: one "domain" per address,
 * all on the same port) with a request log, for the worker, e2e, politeness and benchmark suites.
 *
 * Routes: `/page/:n` (~20 KB HTML), `/js/:n` (content only after a script runs; `?delay=ms`,
 * `&slowFor=ua`), `/status/:code` (`?retryAfter=`), `/slow?ms=`, `/big?bytes=` (chunked; `&declare=1` sends Content-Length),
 * `/redirect?to=` (302), `/chain/:n` (n redirects, then a page), `/robots.txt`, `/image.png`,
 * `/style.css`, `/font.woff2`, `/media.mp4`, `/data.json`, `/gzip/:n` (`/page/:n` gzip-encoded),
 * `/docs/guide/?page=<name>` (the output-format pages of format-pages.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  DEFAULT_ROBOTS, PNG_1X1, renderJsPage, renderPage, renderStatusPage,
} from './test-site-pages.ts';
import { FORMAT_SITE_PAGES } from './format-pages.ts';

export interface TestSiteOptions {
  /** Loopback addresses to listen on, one per simulated domain. */
  hosts?: string[];
  /** Port shared by every host; a free one when omitted. */
  port?: number;
}

export interface RequestLogEntry {
  /** The address the request arrived on (the simulated domain). */
  host: string;
  method: string;
  /** Path with query string, as sent. */
  path: string;
  /** Arrival time, ms since the epoch with sub-millisecond resolution. */
  at: number;
  userAgent?: string;
}

export interface TestSite {
  readonly port: number;
  readonly hosts: readonly string[];
  origin(host: string): string;
  url(host: string, path: string): string;
  /** Every request in arrival order (robots.txt and assets included). */
  readonly log: RequestLogEntry[];
  clearLog(): void;
  /** What `/robots.txt` answers on `host` (`status` 503 etc. for an unreachable file). */
  setRobots(host: string, text: string, status?: number): void;
  close(): Promise<void>;
}

/** Rendered bodies are cached: the benchmark hits the same pages thousands of times a second. */
const MAX_CACHED_PAGES = 20_000;
const pageCache = new Map<string, Buffer>();

function cached(key: string, render: () => string, encoding: BufferEncoding = 'utf8'): Buffer {
  let body = pageCache.get(key);
  if (!body) {
    body = Buffer.from(render(), encoding);
    if (pageCache.size < MAX_CACHED_PAGES) pageCache.set(key, body);
  }
  return body;
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': type, 'content-length': String(buffer.length), ...headers });
  res.end(buffer);
}

const HTML = 'text/html; charset=utf-8';
const BIG_CHUNK = Buffer.alloc(64 * 1024, 'a');

function sendBig(res: ServerResponse, bytes: number, declare: boolean): void {
  res.writeHead(200, { 'content-type': HTML, ...(declare ? { 'content-length': String(bytes) } : {}) });
  let left = bytes;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const chunk = BIG_CHUNK.subarray(0, Math.min(left, BIG_CHUNK.length));
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function positiveInt(text: string | null | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** Keys already answered by `/once/…` (module-wide: keys are unique per test). */
const answeredOnce = new Set<string>();

function handle(req: IncomingMessage, res: ServerResponse, robots: Map<string, { text: string; status: number }>): void {
  const rawPath = req.url ?? '/';
  const q = rawPath.indexOf('?');
  const path = q === -1 ? rawPath : rawPath.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : rawPath.slice(q + 1));
  const segments = path.split('/');
  const head = segments[1] ?? '';
  const arg = segments[2];

  switch (head) {
    case 'page':
      return send(res, 200, HTML, cached(`p${arg}`, () => renderPage(positiveInt(arg, 0))));
    case 'js': {
      // `?delay=ms` postpones the script's insert: a page that renders slowly in a real browser.
      // With `&slowFor=<user agent>` only that client waits (one slow worker, a quick retry elsewhere).
      const slowFor = query.get('slowFor');
      const delay = slowFor === null || slowFor === req.headers['user-agent'] ? positiveInt(query.get('delay'), 30) : 30;
      return send(res, 200, HTML, cached(`j${arg}:${delay}`, () => renderJsPage(positiveInt(arg, 0), delay)));
    }
    case 'gzip': {
      const body = cached(`g${arg}`, () => gzipSync(renderPage(positiveInt(arg, 0))).toString('latin1'), 'latin1');
      return send(res, 200, HTML, body, { 'content-encoding': 'gzip' });
    }
    case 'once': {
      // `/once/<code>?key=k[&retryAfter=s]`: the first request per key gets <code>, later ones the page.
      const key = `${req.socket.localAddress}|${query.get('key') ?? ''}`;
      if (!answeredOnce.has(key)) {
        answeredOnce.add(key);
        const retryAfter = query.get('retryAfter');
        return send(res, positiveInt(arg, 500), HTML, renderStatusPage(positiveInt(arg, 500)), retryAfter === null ? {} : { 'retry-after': retryAfter });
      }
      return send(res, 200, HTML, cached('p0', () => renderPage(0)));
    }
    case 'status': {
      const code = positiveInt(arg, 500);
      const retryAfter = query.get('retryAfter');
      return send(res, code, HTML, renderStatusPage(code), retryAfter === null ? {} : { 'retry-after': retryAfter });
    }
    case 'slow': {
      const timer = setTimeout(() => send(res, 200, HTML, cached('p0', () => renderPage(0))), positiveInt(query.get('ms'), 1000));
      res.once('close', () => clearTimeout(timer));
      return;
    }
    case 'big':
      return sendBig(res, positiveInt(query.get('bytes'), 1024 * 1024), query.get('declare') === '1');
    case 'redirect':
      return send(res, 302, HTML, '', { location: query.get('to') ?? '/page/1' });
    case 'chain': {
      const left = positiveInt(arg, 0);
      if (left === 0) return send(res, 200, HTML, cached('p0', () => renderPage(0)));
      return send(res, 302, HTML, '', { location: `/chain/${left - 1}` });
    }
    case 'robots.txt': {
      const { text, status } = robots.get(req.socket.localAddress ?? '') ?? { text: DEFAULT_ROBOTS, status: 200 };
      return send(res, status, 'text/plain; charset=utf-8', text);
    }
    case 'image.png':
      return send(res, 200, 'image/png', PNG_1X1);
    case 'style.css':
      return send(res, 200, 'text/css', 'body { color: #333; }\n');
    case 'font.woff2':
      return send(res, 200, 'font/woff2', Buffer.alloc(64));
    case 'media.mp4':
      return send(res, 200, 'video/mp4', Buffer.alloc(64));
    case 'docs': {
      const page = path === '/docs/guide/' ? FORMAT_SITE_PAGES[query.get('page') ?? 'quality'] : undefined;
      return page === undefined ? send(res, 404, HTML, renderStatusPage(404)) : send(res, 200, HTML, page);
    }
    case 'data.json':
      return send(res, 200, 'application/json', '{"title":"not html"}\n');
    case '':
      return send(res, 200, HTML, cached('p0', () => renderPage(0)));
    default:
      return send(res, 404, HTML, renderStatusPage(404));
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export async function startTestSite(options: TestSiteOptions = {}): Promise<TestSite> {
  const { hosts = ['127.0.0.2', '127.0.0.3'] } = { ...options };
  const log: RequestLogEntry[] = [];
  const robots = new Map<string, { text: string; status: number }>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const entry: RequestLogEntry = {
      host: req.socket.localAddress ?? '',
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      at: performance.timeOrigin + performance.now(),
    };
    const userAgent = req.headers['user-agent'];
    if (userAgent !== undefined) entry.userAgent = userAgent;
    log.push(entry);
    handle(req, res, robots);
  };

  // Every host must get the same port; a port free on the first address can be taken on another,
  // so try a few times when the caller did not pin one.
  for (let tries = 0; ; tries++) {
    const servers: Server[] = [];
    try {
      let port = options.port ?? 0;
      for (const host of hosts) {
        const server = createServer({ keepAliveTimeout: 30_000 }, handler);
        servers.push(server);
        port = await listen(server, port, host);
      }
      return {
        port,
        hosts,
        origin: (host) => `http://${host}:${port}`,
        url: (host, path) => `http://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`,
        log,
        clearLog: () => void log.splice(0),
        setRobots: (host, text, status = 200) => void robots.set(host, { text, status }),
        close: async () => void (await Promise.all(servers.map(closeServer))),
      };
    } catch (error) {
      await Promise.all(servers.map(closeServer));
      if (options.port !== undefined || tries >= 5 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}
