/**
 * @module test/support/request-pages
 * A loopback site that shows what a request looked like, for the request-option tests:
 * `/echo` answers any method with the method, headers and body it received (in `#echo`) and,
 * once its script ran, what the page saw (`#seen`: navigator.userAgent, languages, Intl locale
 * and time zone, window size, touch, document.cookie), then `#done`. It links an image, a
 * stylesheet, a script, a font and a cross-origin script (`crossOrigin`'s `/probe.js`), and the
 * site logs every request with its headers, so tests can see what a page loaded and sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  host: string;
  /** The address the request came from (a proxy's, or the worker's 127.0.0.1). */
  from: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestSite {
  url(path: string): string;
  readonly log: LoggedRequest[];
  /** Requests to `path` (any host of the site). */
  requests(path: string): LoggedRequest[];
  close(): Promise<void>;
}

const SEEN = `
<script>
  const seen = {
    userAgent: navigator.userAgent, language: navigator.language, languages: navigator.languages,
    locale: Intl.DateTimeFormat().resolvedOptions().locale, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    width: screen.width, touch: navigator.maxTouchPoints, cookie: document.cookie,
  };
  document.getElementById('seen').textContent = JSON.stringify(seen);
  const done = document.createElement('p'); done.id = 'done'; document.body.append(done);
</script>`;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function echoPage(req: IncomingMessage, body: string, crossOrigin: string | undefined): string {
  const echo = JSON.stringify({ method: req.method, headers: req.headers, body });
  return `<!doctype html><html><head><title>echo</title><link rel="stylesheet" href="/asset.css">
<style>@font-face { font-family: f; src: url(/asset.woff2); } body { font-family: f; }</style></head><body>
<pre id="echo">${escape(echo)}</pre><pre id="seen"></pre><img src="/asset.png"><script src="/asset.js"></script>
${crossOrigin ? `<script src="${crossOrigin}/probe.js"></script>` : ''}${SEEN}</body></html>`;
}

/** Serves on each of `hosts` (loopback addresses) at one shared port; `/echo` links `/probe.js` on the second host. */
export async function startRequestSite(hosts: readonly string[]): Promise<RequestSite> {
  const log: LoggedRequest[] = [];
  let port = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const host = (req.headers.host ?? '').split(':')[0]!;
      log.push({ host, from: req.socket.remoteAddress ?? '', method: req.method ?? '', path: url.pathname, headers: req.headers, body });
      const other = hosts.find((h) => h !== host);
      switch (url.pathname) {
        case '/echo':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(echoPage(req, body, other ? `http://${other}:${port}` : undefined));
          return;
        case '/only-proxied':
          // Blocks direct visitors (the worker connects from 127.0.0.1; the test proxies from their own address).
          if (req.socket.remoteAddress === '127.0.0.1') res.writeHead(403, { 'content-type': 'text/plain' }).end('blocked');
          else res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>welcome</title><p id="from">${req.socket.remoteAddress}</p>`);
          return;
        case '/see-other':
          res.writeHead(303, { location: '/echo' }).end();
          return;
        case '/temporary':
          res.writeHead(307, { location: '/echo' }).end();
          return;
        case '/login':
          res.writeHead(302, { location: '/echo', 'set-cookie': 'login=yes; Path=/; HttpOnly' }).end();
          return;
        case '/asset.css':
          res.writeHead(200, { 'content-type': 'text/css' }).end('p { color: red; }');
          return;
        case '/asset.js':
        case '/probe.js':
          res.writeHead(200, { 'content-type': 'text/javascript' }).end('window.loaded = true;');
          return;
        case '/asset.png':
          res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex'));
          return;
        case '/asset.woff2':
          res.writeHead(200, { 'content-type': 'font/woff2' }).end('x');
          return;
        default:
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    });
  };
  const servers: Server[] = [];
  for (const host of hosts) {
    const server = createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    port = (server.address() as AddressInfo).port;
    servers.push(server);
  }
  return {
    url: (path) => `http://${hosts[0]}:${port}${path}`,
    log,
    requests: (path) => log.filter((entry) => entry.path === path),
    close: async () => {
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })));
    },
  };
}
