/**
 * @module worker/browser/page-renderer
 * Renders one job's page: a fresh browser context and page per job (no cookies or storage leak
 * between jobs), heavy resources blocked, one deadline, always closed in `finally`.
 */
import { ProtocolError, TimeoutError, type HTTPRequest, type Page, type ResourceType } from 'puppeteer-core';
import {
  BrowserCrashedError, FetchFailedError, FetchTimeoutError, JobAbortedError, NavigationBlockedError,
  ResponseTooLargeError, TooManyRedirectsError, httpStatusError, parseRetryAfter,
} from '../errors/index.ts';
import { raceAbort } from '../abortable.ts';
import { isHtmlContentType } from '../http/content-type.ts';
import type { FetchedPage } from '../http/http-fetcher.ts';
import type { BrowserPool } from './browser-pool.ts';

/** Not needed to read a DOM, and roughly half of Chromium's CPU per page here. */
export const DEFAULT_BLOCKED_RESOURCES: readonly ResourceType[] = ['image', 'font', 'media', 'stylesheet'];

export interface PageRendererOptions {
  pool: BrowserPool;
  /** Redirects the main document may take; more throws `TooManyRedirectsError`. */
  maxRedirects: number;
  /** Cap on the serialised DOM, in bytes, as HTTP mode caps the body. */
  maxBodyBytes?: number;
  /** Called for every request the page makes (redirects included); false aborts it. */
  checkRequest?: (url: URL) => Promise<boolean>;
  /** Runs on each fresh page before navigation (e.g. the SSRF guard's `installBrowserGuard`). */
  preparePage?: (page: Page) => Promise<void>;
  /** Resource types aborted without asking `checkRequest`. */
  blockedResources?: readonly ResourceType[];
  /**
   * Without `waitFor`, after `load` wait until the network has been idle this long (scripts
   * that insert content on a timer or after an XHR get that long), bounded by the deadline.
   */
  settleMs?: number;
}

export interface RenderOptions {
  url: string;
  /** Deadline for navigation, `waitFor` and serialisation together. */
  timeoutMs: number;
  /** CSS selector that must appear before the DOM is read. */
  waitFor?: string;
  signal?: AbortSignal;
}

export interface PageRenderer {
  render(options: RenderOptions): Promise<FetchedPage>;
}

/** Our votes in cooperative interception; a guard voting abort at a higher priority wins. */
const INTERCEPT_PRIORITY = 0;

/** A hung browser must not hold a page slot for Puppeteer's 180 s protocol timeout. */
const CLOSE_TIMEOUT_MS = 5_000;

async function closeWithin(closing: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([closing.catch(() => undefined), timeout]);
  clearTimeout(timer);
}

/** Errors Puppeteer raises when the target, session or connection went away under it. */
function isTargetGone(error: unknown): boolean {
  return error instanceof ProtocolError || (error instanceof Error && /Target closed|Session closed|detached|crashed/i.test(error.message));
}

/**
 * Cooperative interception (every call passes a priority), so other handlers on the page, such
 * as the SSRF guard's `installBrowserGuard`, can vote too; Puppeteer awaits async handlers before
 * resolving a request, so the check runs before the request leaves the browser.
 */
function interceptRequests(page: Page, blocked: ReadonlySet<string>, checkRequest: PageRendererOptions['checkRequest']): void {
  page.on('request', async (request: HTTPRequest) => {
    if (request.isInterceptResolutionHandled()) return;
    try {
      if (blocked.has(request.resourceType())) return await request.abort('blockedbyclient', INTERCEPT_PRIORITY);
      const allowed = checkRequest ? await checkRequest(new URL(request.url())).catch(() => false) : true;
      if (!allowed) return await request.abort('blockedbyclient', INTERCEPT_PRIORITY);
      await request.continue(request.continueRequestOverrides(), INTERCEPT_PRIORITY);
    } catch {
      // The page closed while the check ran: nothing left to resolve.
    }
  });
}

export function createPageRenderer(options: PageRendererOptions): PageRenderer {
  const { pool, maxRedirects, maxBodyBytes = Infinity, checkRequest, preparePage, blockedResources = DEFAULT_BLOCKED_RESOURCES, settleMs = 100 } = { ...options };
  const blocked = new Set<string>(blockedResources);

  async function render({ url, timeoutMs, waitFor, signal }: RenderOptions): Promise<FetchedPage> {
    const deadline = Date.now() + timeoutMs;
    const remaining = () => Math.max(1, deadline - Date.now());
    const lease = await pool.acquire(signal);
    const { browser } = lease;
    const creating = browser.createBrowserContext();
    const context = await raceAbort(creating, signal, () => new JobAbortedError(signal?.reason)).catch((error: unknown) => {
      creating.then((late) => late.close(), () => undefined).catch(() => undefined); // created after we gave up
      lease.release();
      throw browser.connected || error instanceof JobAbortedError ? error : new BrowserCrashedError(error);
    });
    // Whatever happens to the browser or the job's signal, the work below stops waiting at once.
    let stop: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => undefined);
    const onDisconnect = () => stop(new BrowserCrashedError());
    const onAbort = () => stop(new JobAbortedError(signal?.reason));
    browser.once('disconnected', onDisconnect);
    signal?.addEventListener('abort', onAbort, { once: true });

    const work = async (): Promise<FetchedPage> => {
      const page = await context.newPage();
      page.once('error', (error) => stop(new BrowserCrashedError(error))); // the renderer process died
      await preparePage?.(page);
      await page.setRequestInterception(true);
      interceptRequests(page, blocked, checkRequest);
      const response = await page.goto(url, { waitUntil: 'load', timeout: remaining() });
      if (!response) throw new FetchFailedError('NO_RESPONSE', undefined);
      if (response.request().redirectChain().length > maxRedirects) throw new TooManyRedirectsError(maxRedirects);
      const status = response.status();
      const headers = response.headers();
      if (status >= 400) throw httpStatusError(status, parseRetryAfter(headers['retry-after']));
      if (waitFor) {
        await page.waitForSelector(waitFor, { timeout: remaining() });
      } else if (settleMs > 0) {
        // Best effort: a page that never goes quiet (polling, streaming) is read as it is.
        await page.waitForNetworkIdle({ idleTime: settleMs, timeout: Math.min(remaining(), settleMs * 10) }).catch(() => undefined);
      }
      const contentType = headers['content-type'] ?? null;
      const html = isHtmlContentType(contentType) ? await page.content() : null;
      const bytes = html ? Buffer.byteLength(html) : 0;
      if (bytes > maxBodyBytes) throw new ResponseTooLargeError(maxBodyBytes);
      return { url, finalUrl: page.url(), status, contentType, html, bytes, redirects: response.request().redirectChain().length };
    };

    try {
      return await Promise.race([work(), stopped]);
    } catch (error) {
      if (signal?.aborted) throw new JobAbortedError(error);
      if (!browser.connected || error instanceof BrowserCrashedError) throw error instanceof BrowserCrashedError ? error : new BrowserCrashedError(error);
      if (error instanceof TimeoutError) throw new FetchTimeoutError(timeoutMs, error);
      if (error instanceof Error && /net::ERR_BLOCKED_BY_CLIENT/.test(error.message)) throw new NavigationBlockedError(error);
      if (error instanceof Error && /net::ERR_/.test(error.message)) throw new FetchFailedError(/net::(ERR_\w+)/.exec(error.message)?.[1], error);
      if (isTargetGone(error)) throw new BrowserCrashedError(error);
      throw error;
    } finally {
      browser.off('disconnected', onDisconnect);
      signal?.removeEventListener('abort', onAbort);
      await closeWithin(context.close(), CLOSE_TIMEOUT_MS);
      lease.release();
    }
  }

  return { render };
}
