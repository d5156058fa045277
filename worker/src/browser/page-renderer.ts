/**
 * @module worker/browser/page-renderer
 * Renders one job's page on a warm page from the pool (reset between jobs, so no cookies or
 * storage leak), heavy resources blocked, one deadline; a page that failed in any way is discarded.
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
import type { BrowserRequest } from '../request/browser-request.ts';
import { applyEmulation, DEFAULT_EMULATION } from './page-emulation.ts';
import type { UpstreamProxy } from '../security/guarded-proxy.ts';
import { fromBrowserCookie } from '../request/cookie-jar.ts';

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
  /**
   * Runs once on each new page before its first navigation (e.g. the SSRF guard's
   * `installBrowserGuard`); what it installs stays for the page's life, across the jobs it serves.
   */
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
  /** Deadline for navigation, `waitFor` and serialisation together; it starts once `admit` resolves. */
  timeoutMs: number;
  /**
   * Runs once a page is leased, before the deadline starts and before anything is sent (the
   * politeness gate: robots.txt, the domain's slot). A job waiting for a page takes no slot, so
   * slots are not spent in the page queue and then used in a burst. Its error ends the render;
   * the untouched page goes back to the pool as it was.
   */
  admit?: () => Promise<void>;
  /** CSS selector that must appear before the DOM is read. */
  waitFor?: string;
  signal?: AbortSignal;
  /**
   * Called for every main-frame navigation request after the job's first (redirect hops,
   * script navigations) before it leaves the browser: the politeness gate's robots.txt and
   * per-domain slot of the target. Its error aborts the request and is what `render` throws.
   */
  onNavigation?: (url: URL) => Promise<void>;
  /**
   * Runs on the live page once its DOM is read, before the page goes back to the pool (outputs
   * that need the browser: screenshots, PDFs). Its error ends the render and discards the page.
   */
  whileLive?: (page: Page, fetched: FetchedPage) => Promise<void>;
  /** Load what `blockedResources` would block (images, fonts, CSS): a screenshot or PDF shows the page as people see it. */
  loadAssets?: boolean;
  /**
   * The job's request options (worker/src/request/browser-request.ts): emulation applied before
   * the gate, cookies set once admitted, resource types skipped, header/method/body overrides.
   */
  request?: BrowserRequest;
  /** The job's proxy: the slot's network chains to it (after the SSRF guard's check) for this job. */
  proxy?: UpstreamProxy;
  /** Runs on the loaded page before its DOM is read (the job's browser actions, worker/src/actions/). */
  beforeRead?: (page: Page) => Promise<void>;
}

export interface PageSessionOptions {
  signal: AbortSignal;
  /** Called for every main-frame navigation request, the first included, before it leaves the browser; its error aborts it. */
  onNavigation: (url: URL) => Promise<void>;
}

export interface PageRenderer {
  render(options: RenderOptions): Promise<FetchedPage>;
}

export interface PageSessions {
  /**
   * A task's page (`ctx.page`, worker/src/tasks/): a warm page leased and set up as a render's
   * (SSRF guard, blocked resources, default emulation, direct route), every main-frame
   * navigation through `onNavigation`. When `use` settles the page goes back to the pool, reset
   * (cookies, storage, history) if `use` succeeded, closed otherwise; when `signal` aborts (the
   * task's timeout) the session ends at once and the page is closed, whatever `use` still does.
   * A navigation `onNavigation` refused is what the session throws, even if `use` caught it.
   */
  withPage<T>(options: PageSessionOptions, use: (page: Page) => Promise<T>): Promise<T>;
}

/** Our votes in cooperative interception; a guard voting abort at a higher priority wins. */
const INTERCEPT_PRIORITY = 0;

/** The running job's view of its page's main-frame navigations (the interception handler is per page, jobs change). */
interface JobNavigations {
  readonly onNavigation: (url: URL) => Promise<void>;
  /** The job's own first navigation went by (the gate checked that URL before render). */
  started: boolean;
  /** What the hook threw, for `render` to throw instead of Chromium's ERR_BLOCKED_BY_CLIENT. */
  error?: unknown;
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
function interceptRequests(
  page: Page, blocked: ReadonlySet<string>, checkRequest: PageRendererOptions['checkRequest'], navigations: WeakMap<Page, JobNavigations>,
  loadingAssets: WeakSet<Page>,
  requests: WeakMap<Page, BrowserRequest>,
): void {
  page.on('request', async (request: HTTPRequest) => {
    if (request.isInterceptResolutionHandled()) return;
    try {
      const asked = requests.get(page);
      if (!loadingAssets.has(page) && (asked?.blocked ?? blocked).has(request.resourceType())) return await request.abort('blockedbyclient', INTERCEPT_PRIORITY);
      const url = new URL(request.url());
      const allowed = checkRequest ? await checkRequest(url).catch(() => false) : true;
      if (!allowed) return await request.abort('blockedbyclient', INTERCEPT_PRIORITY);
      const job = navigations.get(page);
      if (job && request.isNavigationRequest() && request.frame() === page.mainFrame()) {
        if (job.started || request.redirectChain().length > 0) {
          try {
            await job.onNavigation(url);
          } catch (error) {
            job.error ??= error;
            return await request.abort('blockedbyclient', INTERCEPT_PRIORITY);
          }
        }
        job.started = true;
      }
      const overrides = asked?.overrides(request, request.isNavigationRequest() && request.frame() === page.mainFrame());
      await request.continue(overrides ? { ...request.continueRequestOverrides(), ...overrides } : request.continueRequestOverrides(), INTERCEPT_PRIORITY);
    } catch {
      // The page closed while the check ran: nothing left to resolve.
    }
  });
}

export function createPageRenderer(options: PageRendererOptions): PageRenderer & PageSessions {
  const { pool, maxRedirects, maxBodyBytes = Infinity, checkRequest, preparePage, blockedResources = DEFAULT_BLOCKED_RESOURCES, settleMs = 100 } = { ...options };
  const blocked = new Set<string>(blockedResources);
  const navigations = new WeakMap<Page, JobNavigations>();
  /** Pages whose current job loads every resource type (`loadAssets`). */
  const loadingAssets = new WeakSet<Page>();
  const requests = new WeakMap<Page, BrowserRequest>();

  /** Once per page: hooks that stay installed for every job the page serves. */
  async function setUpPage(page: Page): Promise<void> {
    await preparePage?.(page);
    await page.setRequestInterception(true);
    interceptRequests(page, blocked, checkRequest, navigations, loadingAssets, requests);
  }

  async function render({ url, timeoutMs, waitFor, signal, onNavigation, admit, whileLive, loadAssets, request, proxy, beforeRead }: RenderOptions): Promise<FetchedPage> {
    const lease = await pool.acquire(signal);
    const { browser, page } = lease;
    // The deadline starts once the job is admitted: waiting for a page or a slot is not its time.
    let deadline = Date.now() + timeoutMs;
    const remaining = () => Math.max(1, deadline - Date.now());
    const job: JobNavigations | undefined = onNavigation ? { onNavigation, started: false } : undefined;
    /** What `admit` threw: the job was turned away before its page sent anything. */
    let refused: { error: unknown } | undefined;
    // Whatever happens to the browser or the job's signal, the work below stops waiting at once.
    let stop: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => undefined);
    const onDisconnect = () => stop(new BrowserCrashedError());
    const onAbort = () => stop(new JobAbortedError(signal?.reason));
    const onPageError = (error: Error) => stop(new BrowserCrashedError(error)); // the renderer process died
    // `on`, not `once`: Puppeteer's `once` wraps the handler, so `off(handler)` below would not
    // remove it, and the browser and the reused page would collect one listener per job.
    browser.on('disconnected', onDisconnect);
    signal?.addEventListener('abort', onAbort, { once: true });
    page.on('error', onPageError);

    /** Page set-up first (tens to hundreds of ms on a new page), then the gate: the request follows the slot at once. */
    const admitted = async (): Promise<void> => {
      // A page whose set-up failed is closed below, never reused: the next job sets up a new one.
      if (lease.fresh) {
        await setUpPage(page);
        lease.prepared();
      }
      // Every job sets the emulation it wants (the defaults when it asks for none): what the last job set ends here.
      await applyEmulation(page, request?.emulation ?? DEFAULT_EMULATION);
      // Every job sets its route too: a slot never keeps the last job's proxy (or its connections).
      if (proxy && !lease.network) throw new NavigationBlockedError(new Error('a proxy needs the slot networks of the SSRF guard\'s set-up'));
      lease.network?.use(proxy);
      if (!admit) return;
      try {
        await admit();
      } catch (error) {
        refused = { error };
        throw error;
      }
      deadline = Date.now() + timeoutMs;
    };

    const work = async (): Promise<FetchedPage> => {
      await admitted();
      if (job) navigations.set(page, job);
      if (loadAssets) loadingAssets.add(page);
      // Cookies only once admitted: a page the gate turned away goes back untouched, without a reset.
      if (request && request.cookies.length > 0) await page.setCookie(...request.cookies);
      if (request) requests.set(page, request);
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
      await beforeRead?.(page);
      const contentType = headers['content-type'] ?? null;
      const html = isHtmlContentType(contentType) ? await page.content() : null;
      const bytes = html ? Buffer.byteLength(html) : 0;
      if (bytes > maxBodyBytes) throw new ResponseTooLargeError(maxBodyBytes);
      const fetched = { url, finalUrl: page.url(), status, contentType, headers, html, bytes, redirects: response.request().redirectChain().length };
      await whileLive?.(page, fetched);
      // A sticky session keeps what the page's context holds now (cookies of every site it visited).
      if (request?.keepCookies) request.keepCookies((await page.browserContext().cookies()).map(fromBrowserCookie));
      return fetched;
    };

    // Only a job that ran to the end leaves its page reusable. Any error (even a 404 or a DOM
    // over the cap) discards it: a page can be mid-navigation, hold a dialog or a half-run
    // script after one, and a new page costs less than proving it is not.
    let reusable = false;
    try {
      const result = await Promise.race([work(), stopped]);
      // A later navigation refused by the gate (a script's, after load) leaves the page half-way.
      if (job?.error !== undefined) throw job.error;
      reusable = browser.connected && !page.isClosed();
      return result;
    } catch (error) {
      if (refused) throw refused.error; // the gate's verdict, as it is
      if (signal?.aborted) throw new JobAbortedError(error);
      if (job?.error !== undefined) throw job.error;
      if (!browser.connected || error instanceof BrowserCrashedError) throw error instanceof BrowserCrashedError ? error : new BrowserCrashedError(error);
      if (error instanceof TimeoutError) throw new FetchTimeoutError(timeoutMs, error);
      if (error instanceof Error && /net::ERR_BLOCKED_BY_CLIENT/.test(error.message)) throw new NavigationBlockedError(error);
      if (error instanceof Error && /net::ERR_/.test(error.message)) throw new FetchFailedError(/net::(ERR_\w+)/.exec(error.message)?.[1], error);
      if (isTargetGone(error)) throw new BrowserCrashedError(error);
      throw error;
    } finally {
      navigations.delete(page);
      loadingAssets.delete(page);
      requests.delete(page);
      browser.off('disconnected', onDisconnect);
      signal?.removeEventListener('abort', onAbort);
      page.off('error', onPageError);
      lease.release(refused ? 'untouched' : reusable);
    }
  }

  async function withPage<T>({ signal, onNavigation }: PageSessionOptions, use: (page: Page) => Promise<T>): Promise<T> {
    const lease = await pool.acquire(signal);
    const { browser, page } = lease;
    // `started`: the session's first navigation is not pre-checked by anyone, so it goes through the hook too.
    const job: JobNavigations = { onNavigation, started: true };
    let reusable = false;
    try {
      if (lease.fresh) {
        await setUpPage(page);
        lease.prepared();
      }
      await applyEmulation(page, DEFAULT_EMULATION);
      lease.network?.use(undefined);
      navigations.set(page, job);
      const result = await raceAbort(use(page), signal, () => new JobAbortedError(signal.reason));
      if (job.error !== undefined) throw job.error;
      reusable = browser.connected && !page.isClosed();
      return result;
    } catch (error) {
      if (job.error !== undefined) throw job.error;
      if (!browser.connected) throw new BrowserCrashedError(error);
      throw error;
    } finally {
      navigations.delete(page);
      lease.release(reusable);
    }
  }

  return { render, withPage };
}
