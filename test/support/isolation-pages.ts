/**
 * @module test/support/isolation-pages
 * A small loopback site for the browser isolation tests: `/set` leaves every kind of state a
 * page can leave in a browser (cookies, storage, IndexedDB, caches, service worker, HTTP cache,
 * window.name, history), `/get` reports what it can still see. Both write JSON into `#found`
 * and add `#done` once their asynchronous work finished (wait for it with `waitFor: '#done'`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What `/get` reports; a fresh browser context shows `EMPTY_STATE`. */
export interface SeenState {
  cookie: string;
  /** The Cookie header the server received with the page request (HttpOnly cookies included). */
  cookieHeader: string;
  local: string | null;
  session: string | null;
  indexedDb: string[];
  caches: string[];
  serviceWorkers: number | 'unavailable';
  windowName: string;
  historyLength: number;
}

export const EMPTY_STATE: Omit<SeenState, 'historyLength' | 'serviceWorkers'> = {
  cookie: '', cookieHeader: '', local: null, session: null, indexedDb: [], caches: [], windowName: '',
};

/** Reads everything into `found`, for both pages (`/set` reads back what it wrote). */
const READ_STATE = `
async function readState() {
  const dbs = indexedDB.databases ? (await indexedDB.databases()).map((db) => db.name) : ['unsupported'];
  const cacheNames = self.caches ? await caches.keys() : ['unsupported'];
  const serviceWorkers = navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 'unavailable';
  return {
    cookie: document.cookie, cookieHeader: document.getElementById('cookie-header').textContent,
    local: localStorage.getItem('secret'), session: sessionStorage.getItem('secret'),
    indexedDb: dbs, caches: cacheNames, serviceWorkers, windowName: window.name, historyLength: history.length,
  };
}
async function report(extra) {
  const found = document.createElement('pre');
  found.id = 'found';
  try { found.textContent = JSON.stringify({ ...(await readState()), ...extra }); }
  catch (error) { found.textContent = JSON.stringify({ error: String(error) }); }
  document.body.append(found);
  const done = document.createElement('p');
  done.id = 'done';
  document.body.append(done);
}`;

const SET_SCRIPT = `
async function leaveState() {
  document.cookie = 'secret=job1; max-age=3600; path=/';
  localStorage.setItem('secret', 'job1');
  sessionStorage.setItem('secret', 'job1');
  window.name = 'job1';
  await new Promise((resolve, reject) => {
    const open = indexedDB.open('secret-db', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('store');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('store', 'readwrite');
      tx.objectStore('store').put('job1', 'secret');
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  });
  await (await caches.open('secret-cache')).put('/secret', new Response('job1'));
  let serviceWorker = 'unavailable';
  if (navigator.serviceWorker) {
    serviceWorker = await navigator.serviceWorker.register('/sw.js').then(
      () => navigator.serviceWorker.ready.then(() => 'registered'),
      (error) => 'refused: ' + error.name,
    );
  }
  return { serviceWorker };
}
leaveState().then(report, (error) => report({ error: String(error) }));`;

function page(req: IncomingMessage, script: string): string {
  const cookie = (req.headers.cookie ?? '').replace(/[<&]/g, '');
  return `<!doctype html><title>isolation</title><body><p id="cookie-header">${cookie}</p>
<script src="/cached.js"></script><script>${READ_STATE}${script}</script></body>`;
}

export interface IsolationSite {
  /** `http://host:port` + path. */
  url(path: string): string;
  /** Requests per path so far. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves the isolation pages on `host` (a loopback address) at a free port. */
export async function startIsolationSite(host: string): Promise<IsolationSite> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/set') {
      // An HttpOnly cookie too: the page cannot see it, only the next request's header can.
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'httponly-secret=job1; Max-Age=3600; Path=/; HttpOnly' });
      res.end(page(req, SET_SCRIPT));
    } else if (path === '/get') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(req, 'report({});'));
    } else if (path === '/cached.js') {
      // Cacheable for an hour: a second request to it means the HTTP cache was cleared.
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=3600' }).end('window.cachedScript = true;');
    } else if (path === '/sw.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end("self.addEventListener('fetch', () => undefined);");
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://${host}:${port}${path}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
