/**
 * @module test/support/action-pages
 * Pages that need browser actions: `/more` (a "load more" button adds items), `/form` (type a
 * name, press Enter, the page greets it), `/scroll` (items added as the page is scrolled to its
 * end), `/computed` (a value only a script can compute), `/link` (a link the click follows to
 * `/computed`), `/csp` (a Content-Security-Policy that forbids eval and inline scripts), `/tall`
 * (40,000 px high) and `/big` (about 3 MB of HTML).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGES: Record<string, string> = {
  '/more': `<ul id="items"><li class="item">1</li><li class="item">2</li></ul><button id="more">Load more</button>
<script>let n = 2; document.getElementById('more').onclick = () => setTimeout(() => {
  for (let i = 0; i < 2; i++) { const li = document.createElement('li'); li.className = 'item'; li.textContent = String(++n); document.getElementById('items').append(li); }
  if (n >= 6) document.getElementById('more').remove();
}, 50);</script>`,
  '/form': `<form id="f"><input id="name" name="name"><button id="hidden" style="display: none">hidden</button></form><p id="greeting"></p>
<script>document.getElementById('f').onsubmit = (e) => { e.preventDefault(); document.getElementById('greeting').textContent = 'Hello, ' + document.getElementById('name').value; };</script>`,
  '/scroll': `<div id="feed"></div><script>let loaded = 0; const feed = document.getElementById('feed');
function add() { for (let i = 0; i < 5; i++) { const d = document.createElement('div'); d.className = 'post'; d.style.height = '400px'; d.textContent = 'post ' + (++loaded); feed.append(d); } }
add(); window.addEventListener('scroll', () => { if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 50 && loaded < 20) add(); });</script>`,
  '/computed': `<p id="a">21</p><p id="b">2</p>`,
  '/link': `<a id="next" href="/computed">next</a>`,
  '/csp': `<p id="a">21</p>`,
  '/tall': `<div style="height: 40000px; background: linear-gradient(red, blue)">tall</div>`,
  '/big': `<div style="display: none">${'x'.repeat(3 * 1024 * 1024)}</div>`,
};

const HEADERS: Record<string, Record<string, string>> = {
  '/csp': { 'content-security-policy': "script-src 'none'" },
};

export interface ActionSite {
  url(path: string): string;
  close(): Promise<void>;
}

export async function startActionSite(host: string): Promise<ActionSite> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = PAGES[path];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html', ...HEADERS[path] }).end(`<!doctype html><html><head><title>actions</title></head><body>${body}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://${host}:${port}${path}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
