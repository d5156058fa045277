/**
 * @module test/support/crawl-site
 * A generated multi-host website for crawl tests and the crawl benchmark, with a request log to
 * judge crawlers by. Every host (127.0.0.2, .3, ...) serves the same port; `outside` hosts are
 * served too, so a crawler that leaves its scope shows up in the log.
 *
 * `/p/<k>` (k < pagesPerHost) is page k of a host: ~`fillerBytes` of text and links to
 *   - the next page and the first one (cycles), and two more pages of the host (a shortcut graph),
 *   - page k of the next host (cross-host, in scope when that host is seeded),
 *   - the same pages again with a `#fragment` and with `?utm_source=` (duplicates),
 *   and, with `traps`: page k of the first outside host (external), `/private/k` (for
 *   `excludePaths`), `/blocked/k` (robots.txt disallows `/blocked/`), `/missing/k` (404), on page
 *   1 `/go/<m>` (302 to a page that is also linked directly: a redirect into scope) and on page
 *   2 `/out` (302 to an outside host: a redirect out of scope).
 * With `traps`, `/js/<k>` has one link, inserted by a script and relative to `<base href="/p/">`
 * (only a browser finds it: /p/<k+1>), and the second host's robots.txt names `/sitemap-index.xml`, an index of
 * `/sitemap-a.xml` and a gzipped `/sitemap-b.xml.gz`, which list `/orphan/<i>` pages no page
 * links to (each links back to `/p/0`).
 * `graph(host, path)` says what the site answers without a request: tests compute the expected
 * crawl from it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export interface CrawlSiteOptions {
  hosts: string[];
  /** Hosts served but never seeded: a request to one is a crawler leaving its scope. */
  outside?: string[];
  pagesPerHost: number;
  /** Filler text per page, bytes. */
  fillerBytes?: number;
  traps?: boolean;
  orphans?: number;
  port?: number;
  /** Pages (not robots.txt or sitemaps) answer after this long. */
  delayMs?: number;
}

export interface CrawlSiteLogEntry {
  host: string;
  path: string;
  status: number;
  at: number;
}

export type SiteAnswer = { status: 200; links: string[] } | { status: 302; location: string } | { status: 404 };

export interface CrawlSite {
  port: number;
  origin(host: string): string;
  url(host: string, path: string): string;
  log: CrawlSiteLogEntry[];
  /** Requests for pages (not robots.txt or sitemaps). */
  pageRequests(): CrawlSiteLogEntry[];
  graph(host: string, path: string): SiteAnswer;
  close(): Promise<void>;
}

const ROBOTS = 'User-agent: *\nDisallow: /blocked/\n';

export async function startCrawlSite(options: CrawlSiteOptions): Promise<CrawlSite> {
  const { hosts, outside = [], pagesPerHost: n, fillerBytes = 8_000, traps = false, orphans = 5 } = options;
  const log: CrawlSiteLogEntry[] = [];
  let port = options.port ?? 0;
  const origin = (host: string) => `http://${host}:${port}`;
  const filler = 'Crawl site filler text, lorem ipsum dolor sit amet. '.repeat(Math.ceil(fillerBytes / 52)).slice(0, fillerBytes);

  function pageLinks(host: string, k: number): string[] {
    const next = hosts[(hosts.indexOf(host) + 1) % hosts.length]!;
    const links = [`/p/${(k + 1) % n}`, '/p/0', `/p/${(k * 7 + 3) % n}`, `/p/${(k * 13 + 5) % n}`, `${origin(next)}/p/${k}`,
      `/p/${(k + 1) % n}#section`, `/p/${(k * 7 + 3) % n}?utm_source=crawl-site`];
    if (traps) {
      if (outside[0]) links.push(`${origin(outside[0])}/p/${k}`);
      links.push(`/private/${k}`, `/blocked/${k}`, `/missing/${k}`);
      if (k === 1) links.push(`/go/${(k + 5) % n}`);
      if (k === 2) links.push('/out');
    }
    return links;
  }

  function graph(host: string, path: string): SiteAnswer {
    const [pathname] = path.split('?');
    const parts = pathname!.split('/');
    const k = Number(parts[2]);
    if (parts[1] === 'p' && Number.isInteger(k) && k >= 0 && k < n) return { status: 200, links: pageLinks(host, k) };
    if (traps && parts[1] === 'private' && Number.isInteger(k)) return { status: 200, links: ['/p/0'] };
    // `/js/<k>`: its only link is inserted by a script, relative to <base href="/p/">: /p/<k+1>.
    if (traps && parts[1] === 'js' && Number.isInteger(k)) return { status: 200, links: [`/p/${(k + 1) % n}`] };
    if (traps && parts[1] === 'orphan' && Number.isInteger(k) && k < orphans) return { status: 200, links: ['/p/0'] };
    if (traps && parts[1] === 'go' && Number.isInteger(k)) return { status: 302, location: `/p/${k % n}` };
    if (traps && pathname === '/out' && outside[0]) return { status: 302, location: `${origin(outside[0])}/p/99` };
    return { status: 404 };
  }

  function html(title: string, links: string[]): string {
    return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>`
      + `<nav>${links.map((href, i) => `<a href="${href}">link ${i}</a>`).join(' ')}</nav><p>${filler}</p></body></html>`;
  }

  const sitemapXml = (paths: string[], index = false) => index
    ? `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<sitemap><loc>${p}</loc></sitemap>`).join('')}</sitemapindex>`
    : `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${p}</loc></url>`).join('')}</urlset>`;

  const cache = new Map<string, Buffer>();
  function handle(req: IncomingMessage, res: ServerResponse): void {
    const host = req.socket.localAddress ?? '';
    const path = req.url ?? '/';
    const send = (status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}) => {
      log.push({ host, path, status, at: Date.now() });
      const buffer = typeof body === 'string' ? Buffer.from(body) : body;
      res.writeHead(status, { 'content-type': type, 'content-length': String(buffer.length), ...headers });
      res.end(buffer);
    };
    if (path === '/robots.txt') {
      const sitemap = traps && host === hosts[1] ? `Sitemap: ${origin(host)}/sitemap-index.xml\n` : '';
      return send(200, 'text/plain', traps ? ROBOTS + sitemap : 'User-agent: *\nAllow: /\n');
    }
    if (traps && host === hosts[1]) {
      const half = Math.ceil(orphans / 2);
      const orphanUrls = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${origin(host)}/orphan/${from + i}`);
      if (path === '/sitemap-index.xml') return send(200, 'application/xml', sitemapXml([`${origin(host)}/sitemap-a.xml`, `${origin(host)}/sitemap-b.xml.gz`], true));
      if (path === '/sitemap-a.xml') return send(200, 'application/xml', sitemapXml([...orphanUrls(0, half), `${origin(host)}/p/0`]));
      if (path === '/sitemap-b.xml.gz') return send(200, 'application/gzip', gzipSync(sitemapXml(orphanUrls(half, orphans))));
    }
    if (options.delayMs) {
      const timer = setTimeout(() => answerPage(host, path, send), options.delayMs);
      res.once('close', () => clearTimeout(timer));
      return;
    }
    answerPage(host, path, send);
  }

  function answerPage(host: string, path: string, send: (status: number, type: string, body: Buffer | string, headers?: Record<string, string>) => void): void {
    const answer = graph(host, path);
    if (answer.status === 302) return send(302, 'text/html', '', { location: answer.location });
    if (answer.status === 404) return send(404, 'text/html', '<!doctype html><title>Not found</title>');
    if (path.startsWith('/js/')) {
      const k = Number(path.split('/')[2]);
      return send(200, 'text/html; charset=utf-8', `<!doctype html><html><head><base href="/p/"><title>js ${k}</title></head><body><h1>js</h1>`
        + `<script>document.body.insertAdjacentHTML('beforeend', '<a href="${(k + 1) % n}">next</a>')</script></body></html>`);
    }
    const key = `${host}${path.split('?')[0]}`;
    let body = cache.get(key);
    if (!body) cache.set(key, (body = Buffer.from(html(`${host} ${path.split('?')[0]}`, answer.links))));
    send(200, 'text/html; charset=utf-8', body);
  }

  const servers: Server[] = [];
  for (const host of [...hosts, ...outside]) {
    const server = createServer({ keepAliveTimeout: 30_000 }, handle);
    servers.push(server);
    port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }
  return {
    get port() { return port; },
    origin,
    url: (host, path) => `${origin(host)}${path}`,
    log,
    pageRequests: () => log.filter((entry) => entry.path !== '/robots.txt' && !entry.path.startsWith('/sitemap')),
    graph,
    async close() {
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })));
    },
  };
}

/**
 * The pages a crawl must fetch, by the documented rules (docs/crawls.md), from the site's own
 * graph: breadth first from `seeds` (depth 0) and `sitemapPaths` (depth 0), following links up
 * to `maxDepth`, redirects as links of the same depth, canonical paths (no fragment, no
 * utm_* parameters), only the seeds' hosts, minus `excluded` path prefixes and `/blocked/`
 * (robots.txt). Returns `host path` strings with their depth.
 */
export function expectedCrawl(site: CrawlSite, seeds: string[], options: { maxDepth: number; sitemapPaths?: string[]; excluded?: string[]; robotsBlocked?: string[] }): Map<string, number> {
  const hosts = new Set(seeds.map((seed) => new URL(seed).hostname));
  const found = new Map<string, number>();
  const queue: [string, number][] = [];
  const admit = (url: URL, depth: number) => {
    url.hash = '';
    for (const name of [...url.searchParams.keys()]) if (name.startsWith('utm_')) url.searchParams.delete(name);
    if (!hosts.has(url.hostname)) return;
    if ((options.robotsBlocked ?? []).some((prefix) => url.pathname.startsWith(prefix))) return;
    const key = `${url.hostname} ${url.pathname}${url.search}`;
    if (found.has(key)) return;
    found.set(key, depth);
    queue.push([key, depth]);
  };
  for (const seed of seeds) admit(new URL(seed), 0);
  for (const path of options.sitemapPaths ?? []) admit(new URL(path), 0);
  while (queue.length > 0) {
    const [key, depth] = queue.shift()!;
    const [host, path] = key.split(' ') as [string, string];
    const answer = site.graph(host, path);
    const base = site.url(host, path);
    if (answer.status === 302) {
      admit(new URL(answer.location, base), depth);
    } else if (answer.status === 200 && depth + 1 <= options.maxDepth) {
      for (const link of answer.links) {
        const url = new URL(link, base);
        if ((options.excluded ?? []).some((prefix) => url.pathname.startsWith(prefix))) continue;
        admit(url, depth + 1);
      }
    }
  }
  return found;
}
