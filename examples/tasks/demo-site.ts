/**
 * @module examples/tasks/demo-site
 * A small shop on a loopback address for the tasks example and its end-to-end test:
 * `/catalog?page=N` lists products (`a.product`) with a `rel=next` link until the last page;
 * `/product/:id` is a detail page (h1, .price, data-sku). `node examples/tasks/demo-site.ts
 * [host] [port]` serves it (default 127.0.0.2:8090).
 */
import { createServer, type Server } from 'node:http';

export interface DemoSiteOptions {
  host?: string;
  port?: number;
  /** Products per listing page and listing pages. */
  perPage?: number;
  pages?: number;
}

export interface DemoSite {
  readonly origin: string;
  /** Every request's path, in arrival order, with its time (ms). */
  readonly log: { path: string; at: number }[];
  close(): Promise<void>;
}

export const productName = (id: number) => `Product ${id}`;
export const productPrice = (id: number) => `${(id * 1.5).toFixed(2)} EUR`;

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

export function startDemoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const { host = '127.0.0.2', port = 8090, perPage = 5, pages = 3 } = options;
  const log: { path: string; at: number }[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    log.push({ path: url.pathname + url.search, at: Date.now() });
    const send = (status: number, html: string, type = 'text/html; charset=utf-8') => { res.writeHead(status, { 'content-type': type }); res.end(html); };
    if (url.pathname === '/robots.txt') return send(200, 'User-agent: *\nAllow: /\n', 'text/plain');
    if (url.pathname === '/catalog') {
      const n = Number(url.searchParams.get('page') ?? '1');
      if (!Number.isInteger(n) || n < 1 || n > pages) return send(404, page('Not found', '<h1>Not found</h1>'));
      const ids = Array.from({ length: perPage }, (_, i) => (n - 1) * perPage + i + 1);
      const links = ids.map((id) => `<li><a class="product" href="/product/${id}">${productName(id)}</a></li>`).join('');
      const next = n < pages ? `<a rel="next" href="/catalog?page=${n + 1}">next</a>` : '';
      return send(200, page(`Catalog ${n}`, `<h1>Catalog, page ${n}</h1><ul>${links}</ul>${next}`));
    }
    const match = /^\/product\/(\d+)$/.exec(url.pathname);
    if (match) {
      const id = Number(match[1]);
      return send(200, page(productName(id), `<h1>${productName(id)}</h1><p class="price">${productPrice(id)}</p><div data-sku="SKU-${id}"></div>`));
    }
    send(404, page('Not found', '<h1>Not found</h1>'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        origin: `http://${host}:${bound}`, log,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

if (import.meta.main) {
  const [host, port] = process.argv.slice(2);
  const site = await startDemoSite({ ...(host ? { host } : {}), ...(port ? { port: Number(port) } : {}) });
  console.log(`demo shop on ${site.origin}/catalog?page=1 (Ctrl-C stops it)`);
}
