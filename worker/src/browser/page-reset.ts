/**
 * @module worker/browser/page-reset
 * Wipes everything one job left in a reused page and its browser context, so the next job on
 * that page slot starts as if on a fresh incognito context: no cookies, storage, Cache Storage,
 * service workers, popups, history or window.name from the job before.
 *
 * Measured in chromium-headless-shell (test/worker/browser-isolation.test.ts proves it end to end):
 * - `Storage.clearDataForOrigin` with `all` on the page's session clears localStorage,
 *   sessionStorage, IndexedDB, Cache Storage and service workers of that origin, in that
 *   page's context only (another context's data on the same origin survives).
 * - `Network.clearBrowserCookies` on the page's session clears that context's cookies only.
 * - window.name survives navigation to about:blank and back to the same site, so it is reset
 *   by hand; `Page.resetNavigationHistory` keeps `history.back()` from reaching the last job.
 * - The HTTP cache is not cleared here: the pool opens pages with the cache disabled, which
 *   costs nothing per job (clearing it cost ~25 ms of Chromium CPU per job).
 * A reset costs ~15 ms of wall time and ~60-90 ms of Chromium CPU (mostly the about:blank
 * navigation and the storage clearing), against ~150-200 ms to open a new context and page.
 */
import type { CDPSession, HTTPRequest, Page } from 'puppeteer-core';
import { withTimeout } from '../abortable.ts';

/** The origins one page's documents, frames and workers requested since the last reset. */
export interface OriginTracker {
  readonly origins: ReadonlySet<string>;
  clear(): void;
}

/** Records the origin of every request the page makes (redirect hops and blocked requests included). */
export function trackOrigins(page: Page): OriginTracker {
  const origins = new Set<string>();
  page.on('request', (request: HTTPRequest) => {
    const origin = originOf(request.url());
    if (origin) origins.add(origin);
  });
  return { origins, clear: () => origins.clear() };
}

/** http(s) origins only: opaque origins (data:, about:, blob: of opaque parents) have no storage. */
function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

export interface ResetPageOptions {
  /** A CDP session on `page` (kept per page: opening one per reset costs a round trip). */
  cdp: CDPSession;
  /** Origins to clear, from `trackOrigins`; the frames' current origins are added to them. */
  origins: Iterable<string>;
  /** Give up after this long; the caller then discards the page. */
  timeoutMs: number;
}

/** Throws when any step fails or time runs out: the caller must then close the page and its context. */
export async function resetPage(page: Page, options: ResetPageOptions): Promise<void> {
  const { cdp, timeoutMs } = options;
  await withTimeout(reset(page, cdp, options.origins), timeoutMs, () => new Error(`page reset took over ${timeoutMs} ms`));
}

async function reset(page: Page, cdp: CDPSession, tracked: Iterable<string>): Promise<void> {
  const origins = new Set(tracked);
  for (const frame of page.frames()) {
    const origin = originOf(frame.url());
    if (origin) origins.add(origin);
  }
  // Popups the job opened share the context: they would keep running and write storage again.
  const others = (await page.browserContext().pages()).filter((other) => other !== page);
  await Promise.all(others.map((other) => other.close()));
  // Unloads the job's documents, so their timers and workers stop before storage is cleared.
  await page.goto('about:blank', { waitUntil: 'load' });
  if (page.url() !== 'about:blank') throw new Error(`page reset left the page on ${page.url()}`);
  await page.evaluate(() => {
    window.name = '';
  });
  await Promise.all([
    cdp.send('Network.clearBrowserCookies'),
    cdp.send('Page.resetNavigationHistory'),
    ...[...origins].map((origin) => cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' })),
  ]);
}
