/**
 * @module worker/src/security/browser-guard
 * Puts every request a Puppeteer page makes through the SSRF guard, and shuts the side doors the
 * DevTools Fetch domain does not see (WebSockets, service workers, downloads).
 *
 * Measured in Chromium 156 (see test/security/browser-guard.e2e.test.ts): request interception sees
 * documents, subresources, fetch/XHR, iframes and dedicated-worker requests, and every redirect hop
 * as a new request; it does NOT see WebSocket handshakes, nor a service worker's script and fetches.
 * Interception also cannot pin DNS: Chromium resolves names again after our check (rebinding).
 * Full coverage therefore needs Chromium behind `startGuardedProxy` (see browser-launch-args.ts);
 * this module is the page-level layer that works with or without it.
 */
import type { HTTPRequest, Page } from 'puppeteer-core';
import type { SsrfGuard } from './ssrf-guard.ts';

export interface BrowserGuardOptions {
  /**
   * How WebSockets are guarded. 'proxy': Chromium runs behind the guarded proxy, which judges every
   * ws/wss handshake as a CONNECT tunnel. 'block' (default): all WebSockets are refused, because
   * without the proxy nothing can check them. Uses `browser.restrictNetwork`, which is browser-wide
   * and replaces any restriction set elsewhere.
   */
  webSockets?: 'proxy' | 'block';
  /** Refuse service-worker registration and bypass any existing worker. Default true. */
  blockServiceWorkers?: boolean;
  /** Deny downloads for the page's browser context. Default true. */
  denyDownloads?: boolean;
  /** Cooperative-interception priority of our abort; it must beat every continue. Default MAX_SAFE_INTEGER. */
  abortPriority?: number;
  /** Called for each request the guard aborts. */
  onBlocked?: (url: string, resourceType: string) => void;
}

export interface InstalledBrowserGuard {
  /** Stops intercepting (the other settings stay for the page's lifetime). */
  dispose(): void;
}

const DEFAULTS = {
  webSockets: 'block',
  blockServiceWorkers: true,
  denyDownloads: true,
  abortPriority: Number.MAX_SAFE_INTEGER,
} as const satisfies BrowserGuardOptions;

/** Runs in every new document before page scripts: a page that cannot register a worker cannot hide requests in one. */
function refuseServiceWorkerRegistration(): void {
  const container = globalThis.ServiceWorkerContainer?.prototype;
  if (!container) return;
  Object.defineProperty(container, 'register', {
    configurable: false,
    writable: false,
    value: () => Promise.reject(new DOMException('Service workers are disabled by the scraper', 'SecurityError')),
  });
}

/**
 * Installs the guard on `page`; call it before the first navigation. Uses cooperative interception
 * (priorities), so other handlers on the page must use priorities too: a handler that calls
 * `request.continue()` WITHOUT a priority resolves the request at once, before our async check.
 */
export async function installBrowserGuard(
  page: Page,
  guard: Pick<SsrfGuard, 'checkRequest'>,
  options: BrowserGuardOptions = {},
): Promise<InstalledBrowserGuard> {
  const { webSockets, blockServiceWorkers, denyDownloads, abortPriority, onBlocked } = { ...DEFAULTS, ...options };
  if (denyDownloads) {
    // The session stays open: CDP overrides may be reset when the session that set them detaches.
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'deny', browserContextId: page.browserContext().id });
  }
  if (blockServiceWorkers) {
    await page.setBypassServiceWorker(true);
    await page.evaluateOnNewDocument(refuseServiceWorkerRegistration);
  }
  if (webSockets === 'block') {
    // Network.setBlockedURLs does not stop WebSockets (measured); Puppeteer's network restrictions
    // (per-URL offline rules applied to every target, workers included) do. Browser-wide.
    await page.browser().restrictNetwork({ blocklist: ['ws://*:*', 'wss://*:*'] });
  }

  // Puppeteer wraps every page 'request' listener in enqueueInterceptAction and awaits it before
  // resolving the interception, so the request waits for this async check.
  const onRequest = async (request: HTTPRequest): Promise<void> => {
    if (request.isInterceptResolutionHandled()) return;
    const allowed = await guard.checkRequest(request.url());
    if (allowed) return request.continue(request.continueRequestOverrides(), 0);
    onBlocked?.(request.url(), request.resourceType());
    return request.abort('blockedbyclient', abortPriority);
  };
  await page.setRequestInterception(true);
  page.on('request', onRequest);
  return { dispose: () => void page.off('request', onRequest) };
}
