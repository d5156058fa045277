/**
 * Browser mode on loopback, one Chromium launch: a page on 127.0.0.2 (allow-listed) tries every way
 * it can think of to reach 127.0.0.1 (the "internal network"). Chromium runs behind the guarded
 * proxy with guardedBrowserArgs, so it never resolves a name itself: no DNS leaves this machine.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedBrowserArgs } from '../../worker/src/security/browser-launch-args.ts';
import { installBrowserGuard } from '../../worker/src/security/browser-guard.ts';
import { startGuardedProxy, type GuardedProxy } from '../../worker/src/security/guarded-proxy.ts';
import { createSsrfGuard, type SsrfGuard } from '../../worker/src/security/ssrf-guard.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { startLoopbackServers, type LoopbackServers } from './support/loopback-servers.ts';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage'];

/** The attacker's page: every probe reports into window.__probes; the test waits for them all. */
function attackPage(bad: string, badWs: string, port: number, stunPort: number): string {
  return `<!doctype html><title>probe</title>
<img src="${bad}/img.png">
<img src="http://rebind.example:${port}/rebind.png">
<iframe src="${bad}/frame"></iframe>
<iframe src="/redirect?to=frame"></iframe>
<link rel="preconnect" href="${bad}">
<script>
const probes = {};
const settle = (name, p) => p.then((v) => (probes[name] = v), (e) => (probes[name] = 'error: ' + e.message));
const ws = (url) => new Promise((resolve) => {
  const s = new WebSocket(url);
  s.onopen = () => resolve('open');
  s.onerror = () => resolve('error');
});
settle('fetch', fetch('${bad}/fetch').then((r) => 'status ' + r.status));
settle('fetchRedirect', fetch('/redirect?to=fetch').then((r) => 'status ' + r.status));
settle('wsForbidden', ws('${badWs}/ws'));
settle('wsAllowed', ws('ws://127.0.0.2:${port}/ws-ok'));
settle('worker', new Promise((resolve) => { const w = new Worker('/worker.js'); w.onmessage = (e) => resolve(e.data); }));
settle('serviceWorker', navigator.serviceWorker ? navigator.serviceWorker.register('/sw.js').then(() => 'registered') : Promise.resolve('unavailable'));
settle('webrtc', (async () => {
  const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${stunPort}' }] });
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => setTimeout(r, 1000));
  pc.close();
  return 'gathered';
})());
window.__probes = probes;
</script>`;
}

const WORKER_JS = (bad: string, badWs: string) => `
Promise.all([
  fetch('${bad}/from-worker').then(() => 'fetched', () => 'blocked'),
  new Promise((resolve) => { const s = new WebSocket('${badWs}/ws-worker'); s.onopen = () => resolve('open'); s.onerror = () => resolve('error'); }),
]).then((r) => postMessage(r.join(',')));`;

let servers: LoopbackServers;
let guard: SsrfGuard;
let proxy: GuardedProxy;
let browser: Browser;
let udp: UdpSocket;
const udpPackets: string[] = [];
const blocked: string[] = [];
const proxyRefused: string[] = [];
let resolverCalls = 0;

beforeAll(async () => {
  udp = createSocket('udp4').on('message', (_msg, from) => udpPackets.push(`${from.address}:${from.port}`));
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const stunPort = udp.address().port;
  servers = await startLoopbackServers({
    allowed: (req, res, self) => {
      const bad = `http://127.0.0.1:${self.port}`;
      const badWs = `ws://127.0.0.1:${self.port}`;
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/') res.setHeader('content-type', 'text/html').end(attackPage(bad, badWs, self.port, stunPort));
      else if (url.pathname === '/redirect') res.writeHead(302, { location: `${bad}/redirect-target-${url.searchParams.get('to')}` }).end();
      else if (url.pathname.endsWith('.js')) res.setHeader('content-type', 'text/javascript').end(url.pathname === '/worker.js' ? WORKER_JS(bad, badWs) : `fetch('${bad}/from-sw')`);
      else res.end('ok');
    },
  });
  // rebind.example: allowed (127.0.0.2) on the first lookup, 127.0.0.1 ever after.
  guard = createSsrfGuard({
    allowPrivateCidrs: '127.0.0.2/31',
    resolve: async (name) => {
      if (name !== 'rebind.example') throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return [{ address: ++resolverCalls === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
    },
  });
  proxy = await startGuardedProxy(guard, { onRefused: (target) => proxyRefused.push(target) });
  browser = await puppeteer.launch({
    executablePath: '/usr/lib/chromium/chromium-headless-shell',
    headless: 'shell',
    args: [...CHROMIUM_ARGS, ...guardedBrowserArgs(proxy)],
  });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await guard?.close();
  await servers?.close();
  udp?.close();
});

describe('browser guard (Chromium behind the guarded proxy, request interception on)', () => {
  let probes: Record<string, string>;
  let bad: string;

  beforeAll(async () => {
    const page = await browser.newPage();
    await installBrowserGuard(page, guard, { webSockets: 'proxy', onBlocked: (url) => blocked.push(url) });
    await page.goto(`${servers.allowed.origin}/`, { waitUntil: 'load' });
    const names = ['fetch', 'fetchRedirect', 'wsForbidden', 'wsAllowed', 'worker', 'serviceWorker', 'webrtc'];
    await page.waitForFunction((n: string[]) => n.every((k) => k in ((window as unknown as { __probes?: object }).__probes ?? {})), { timeout: 20_000 }, names);
    probes = await page.evaluate(() => (window as unknown as { __probes: Record<string, string> }).__probes);
    bad = `http://127.0.0.1:${servers.forbidden.port}`;
    await page.close();
  });

  it('lets the allowed page load and never lets a byte reach 127.0.0.1', () => {
    expect(servers.allowed.requests).toContain('GET /');
    // No request, no WebSocket handshake, not even a TCP connection (preconnect included), no STUN.
    expect(servers.forbidden.requests).toEqual([]);
    expect(servers.forbidden.connections).toEqual([]);
    expect(udpPackets).toEqual([]);
  });

  it('aborts subresources, iframes and dedicated-worker requests by interception', () => {
    expect(blocked).toEqual(expect.arrayContaining([`${bad}/img.png`, `${bad}/frame`, `${bad}/fetch`, `${bad}/from-worker`]));
    expect(probes.fetch).toMatch(/^error/);
  });

  it('sees each redirect hop as a new intercepted request and aborts the hop to 127.0.0.1', () => {
    expect(servers.allowed.requests).toEqual(expect.arrayContaining(['GET /redirect?to=fetch', 'GET /redirect?to=frame']));
    expect(blocked).toEqual(expect.arrayContaining([`${bad}/redirect-target-fetch`, `${bad}/redirect-target-frame`]));
    expect(probes.fetchRedirect).toMatch(/^error/);
  });

  it('judges WebSockets (invisible to interception) in the proxy: 127.0.0.1 refused, 127.0.0.2 through', () => {
    expect(probes.wsForbidden).toBe('error');
    expect(probes.worker).toBe('blocked,error');
    expect(proxyRefused).toContain(`127.0.0.1:${servers.forbidden.port}`);
    expect(servers.allowed.requests).toContain('UPGRADE /ws-ok');
  });

  it('defeats DNS rebinding: checkRequest saw 127.0.0.2, the proxy connect-time lookup saw 127.0.0.1', () => {
    expect(resolverCalls).toBeGreaterThanOrEqual(2);
    expect(proxyRefused).toContain(`http://rebind.example:${servers.allowed.port}/rebind.png`);
  });

  it('refuses service-worker registration, and WebRTC gathers nothing under the proxy-only UDP policy', () => {
    expect(probes.serviceWorker).toMatch(/^error: Service workers are disabled/);
    expect(probes.webrtc).toBe('gathered');
  });

  it("still stops a service worker's own fetches in the proxy when registration is allowed", async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await installBrowserGuard(page, guard, { webSockets: 'proxy', blockServiceWorkers: false });
    await page.goto(`${servers.allowed.origin}/sw-page`, { waitUntil: 'load' });
    const state = await page.evaluate(() => navigator.serviceWorker.register('/sw.js').then(() => 'registered', (e: Error) => e.message));
    expect(state).toBe('registered');
    await waitFor(() => proxyRefused.includes(`${bad}/from-sw`), { description: 'the proxy to refuse the service worker fetch' });
    await context.close();
    expect(servers.forbidden.connections).toEqual([]);
  });

  it("without the proxy ('block' mode), refuses every WebSocket, even to an allowed address", async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    try {
      await installBrowserGuard(page, guard, { webSockets: 'block' });
      await page.goto(`${servers.allowed.origin}/ws-page`, { waitUntil: 'load' });
      const upgradesBefore = servers.allowed.requests.filter((r) => r.startsWith('UPGRADE')).length;
      const outcome = await page.evaluate(
        (url: string) => new Promise((resolve) => { const s = new WebSocket(url); s.onopen = () => resolve('open'); s.onerror = () => resolve('error'); }),
        `ws://127.0.0.2:${servers.allowed.port}/ws-blocked`,
      );
      expect(outcome).toBe('error');
      expect(servers.allowed.requests.filter((r) => r.startsWith('UPGRADE')).length).toBe(upgradesBefore);
    } finally {
      await browser.restrictNetwork(null); // browser-wide: undo for whatever runs next
      await context.close();
    }
  });
});
