/**
 * @module worker/browser/browser-pool
 * Owns the worker's Chromium and its warm pages: one incognito context + page per page slot,
 * reused across jobs and reset in between (page-reset.ts); the browser relaunched after a crash,
 * and recycled gracefully after N jobs or past an RSS ceiling. Rendering lives in page-renderer.ts.
 *
 * Why reuse, measured on this 2-core machine: opening a context + page costs ~150-200 ms of
 * Chromium CPU, more than rendering a simple page; one Chromium renders ~11-14 local pages/s on
 * reused pages against ~3/s with a new page and ~2.8/s with a new context per job. Why one
 * context PER SLOT rather than all pages in one context: jobs running at the same time on
 * different slots must not see each other's cookies either, and clearing is then scoped to
 * the one context the finished job used (measured: the other contexts keep their data).
 *
 * Why `--renderer-process-limit=<maxPages>`: a job on another site than the slot's last one
 * otherwise swaps the page to a new renderer process, ~200 ms of CPU, which cost more than the
 * page reuse saved (measured, 4 slots, jobs round-robin over 4 loopback sites, guard on: 520 ->
 * 222 ms of Chromium CPU per job, 1.4 -> 3.3 pages/s). Over the limit Chromium reuses a process
 * of the same BrowserContext only, never another context's (measured: with a limit of 1, four
 * slots on four sites still ran five renderers), so concurrent jobs never share a process; a
 * slot's next job may reuse its last job's process, as same-site navigation always did.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'puppeteer-core';
import type { Logger } from 'pino';
import { BrowserCrashedError, JobAbortedError } from '../errors/index.ts';
import { raceAbort, settledWithin } from '../abortable.ts';
import { Semaphore } from './semaphore.ts';
import { launchChromium, stopChromium } from './browser-launch.ts';
import { resetPage, trackOrigins, type OriginTracker } from './page-reset.ts';
import { processTreeMemoryBytes } from './process-tree.ts';

export { CHROMIUM_ARGS } from './browser-launch.ts';

export interface BrowserPoolOptions {
  /** Chromium binary; browser jobs throw `BrowserUnavailableError` without one. */
  executablePath: string | undefined;
  /** Page slots (warm pages) open at once; further `acquire()` calls wait. */
  maxPages: number;
  /** Sent by every page (set once at launch rather than per page). */
  userAgent?: string;
  /** Added after `CHROMIUM_ARGS`. */
  extraArgs?: string[];
  /** Give up launching after this long, in milliseconds. */
  launchTimeoutMs?: number;
  /** How long closing a browser or a context may take before it is killed or abandoned. */
  closeTimeoutMs?: number;
  /** Jobs one browser serves before new jobs go to a fresh one (bounds Chromium's slow growth); 0 = never. */
  recyclePages?: number;
  /** Recycle once the browser's process tree's resident memory (summed PSS) passes this, in MiB; 0 = never. */
  maxRssMb?: number;
  /** Least time between two RSS reads of the process tree, in milliseconds (each scans /proc). */
  rssCheckIntervalMs?: number;
  /** A page whose reset between jobs takes longer is closed instead of reused. */
  resetTimeoutMs?: number;
  /** Called after every successful launch with the launches so far (1 for the first). */
  onLaunch?: (launches: number) => void;
  /** Called whenever the number of open pages changes, with the new number. */
  onPagesOpen?: (open: number) => void;
  /** Gives each slot's context a network of its own (a guarded proxy whose upstream each job sets: job proxies). */
  openSlotNetwork?: () => Promise<SlotNetwork>;
  logger?: Logger;
}

/** A slot's own way out: its context's proxy server, and the upstream proxy the current job goes through. */
export interface SlotNetwork {
  /** `http://127.0.0.1:<port>`, the context's `proxyServer`. */
  readonly proxyServer: string;
  /** Routes the slot's traffic through `upstream` (undefined: direct); connections of the last route are closed. */
  use(upstream: import('../security/guarded-proxy.ts').UpstreamProxy | undefined): void;
  close(): Promise<void>;
}

/** A warm page held by one job; `release()` must be called exactly once when the job is done with it. */
export interface PageLease {
  readonly browser: Browser;
  readonly page: Page;
  /** The page has not served a job yet: the renderer installs its per-page hooks (guard, interception) first. */
  readonly fresh: boolean;
  /** The slot's own network, when the pool gives slots one (job proxies go through it). */
  readonly network: SlotNetwork | undefined;
  /** The renderer installed its per-page hooks: a later lease of this page is not `fresh`, however this one ends. */
  prepared(): void;
  /**
   * Gives the slot back. `true`: the job ended cleanly, so the page is reset and kept warm;
   * `false` (error, timeout, crash, abort): the page and its context are closed; `'untouched'`:
   * the job never navigated (turned away by the politeness gate), so the page goes back as it is,
   * with no reset, and does not count towards the browser's recycling.
   */
  release(outcome: boolean | 'untouched'): void;
}

export interface BrowserPool {
  acquire(signal?: AbortSignal): Promise<PageLease>;
  /** PID of the browser new jobs go to, if one is running. */
  pid(): number | undefined;
  /** Browsers launched so far (1 + relaunches after crashes and recycling). */
  launches(): number;
  /** Pages open now, on every browser (warm idle ones included). */
  pagesOpen(): number;
  close(): Promise<void>;
}

interface Slot {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly cdp: CDPSession;
  readonly tracker: OriginTracker;
  readonly network: SlotNetwork | undefined;
  /** Served a job cleanly, so the renderer's per-page hooks are installed. */
  prepared: boolean;
}

/** One launched browser; after `retiring` it takes no new jobs and closes once its last job ends. */
interface Generation {
  readonly browser: Browser;
  readonly slots: Set<Slot>;
  readonly idle: Slot[];
  /** Jobs handed a page on this browser. */
  assigned: number;
  /** Leases out, resets included. */
  active: number;
  retiring: boolean;
  lastRssCheck: number;
}

export function createBrowserPool(options: BrowserPoolOptions): BrowserPool {
  const {
    executablePath, maxPages, userAgent, extraArgs = [], launchTimeoutMs = 30_000, closeTimeoutMs = 5_000,
    recyclePages = 500, maxRssMb = 1024, rssCheckIntervalMs = 2_000, resetTimeoutMs = 5_000, onLaunch, onPagesOpen, openSlotNetwork, logger,
  } = { ...options };
  const slotsFree = new Semaphore(maxPages);
  const generations = new Set<Generation>();
  let current: Promise<Generation> | undefined;
  let currentGen: Generation | undefined;
  let launched = 0;
  let closed = false;

  const pagesOpen = () => [...generations].reduce((sum, gen) => sum + gen.slots.size, 0);
  const pagesChanged = () => onPagesOpen?.(pagesOpen());

  function generation(): Promise<Generation> {
    if (current) return current;
    const args = [`--renderer-process-limit=${maxPages}`, ...extraArgs];
    const launching = launchChromium({ executablePath, userAgent, extraArgs: args, timeoutMs: launchTimeoutMs, ...(logger ? { logger } : {}) }).then((browser) => {
      const gen: Generation = { browser, slots: new Set(), idle: [], assigned: 0, active: 0, retiring: false, lastRssCheck: Date.now() };
      generations.add(gen);
      currentGen = gen;
      launched++;
      logger?.info({ browserPid: browser.process()?.pid, launches: launched }, 'browser launched');
      onLaunch?.(launched);
      browser.once('disconnected', () => {
        if (!gen.retiring && !closed) logger?.warn('browser disconnected; the next page relaunches it');
        forget(gen);
      });
      return gen;
    });
    current = launching;
    // A failed launch is not cached: the next job tries again.
    launching.catch(() => {
      if (current === launching) current = undefined;
    });
    return launching;
  }

  /** New jobs stop going to `gen`. */
  function detach(gen: Generation): void {
    gen.retiring = true;
    if (currentGen === gen) {
      currentGen = undefined;
      current = undefined;
    }
  }

  function forget(gen: Generation): void {
    detach(gen);
    gen.idle.length = 0;
    for (const slot of gen.slots) void slot.network?.close();
    gen.slots.clear();
    generations.delete(gen);
    pagesChanged();
  }

  function retire(gen: Generation, reason: string, detail: Record<string, unknown> = {}): void {
    if (gen.retiring) return;
    detach(gen);
    logger?.info({ browserPid: gen.browser.process()?.pid, reason, jobs: gen.assigned, ...detail }, 'browser recycled');
    for (const slot of gen.idle.splice(0)) void closeSlot(gen, slot);
    closeIfDone(gen);
  }

  function closeIfDone(gen: Generation): void {
    if (!gen.retiring || gen.active > 0 || !generations.has(gen)) return;
    generations.delete(gen);
    void stopChromium(gen.browser, closeTimeoutMs).finally(pagesChanged);
  }

  async function openSlot(gen: Generation): Promise<Slot> {
    const network = await openSlotNetwork?.();
    // `<-loopback>`: Chromium would bypass the proxy for loopback targets, which the guard must see too.
    const context = await gen.browser.createBrowserContext(network ? { proxyServer: network.proxyServer, proxyBypassList: ['<-loopback>'] } : undefined)
      .catch(async (error: unknown) => {
        await network?.close();
        throw error;
      });
    try {
      const page = await context.newPage();
      // No HTTP cache at all, so nothing cached by one job can reach (or be timed by) the next;
      // a new incognito context per job had an empty cache too, and clearing it per job costs more.
      await page.setCacheEnabled(false);
      const cdp = await page.createCDPSession();
      const tracker = trackOrigins(page);
      // A dialog left open would block the next navigation (the reset's included); beforeunload
      // is accepted so the reset can leave the page.
      page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()).catch(() => undefined));
      const slot: Slot = { context, page, cdp, tracker, network, prepared: false };
      gen.slots.add(slot);
      pagesChanged();
      return slot;
    } catch (error) {
      void settledWithin(context.close(), closeTimeoutMs).then(() => network?.close());
      throw error;
    }
  }

  async function closeSlot(gen: Generation, slot: Slot): Promise<void> {
    if (gen.slots.delete(slot)) pagesChanged();
    // A hung browser must not hold a page slot for Puppeteer's 180 s protocol timeout.
    await settledWithin(slot.context.close(), closeTimeoutMs);
    await slot.network?.close();
  }

  /** Resets `slot` for the next job, or closes it when it cannot be trusted to be clean. */
  async function recycleSlot(gen: Generation, slot: Slot, reusable: boolean): Promise<void> {
    if (reusable && !gen.retiring && !closed && gen.browser.connected) {
      try {
        await resetPage(slot.page, { cdp: slot.cdp, origins: slot.tracker.origins, timeoutMs: resetTimeoutMs });
        slot.tracker.clear();
        slot.prepared = true;
        if (!gen.retiring && !closed && gen.slots.has(slot)) {
          gen.idle.push(slot);
          return;
        }
      } catch (error) {
        logger?.warn({ err: (error as Error).message }, 'page reset failed; closing the page');
      }
    }
    await closeSlot(gen, slot);
  }

  /** A page its job never used: back to the idle list as it is (no reset needed), unless its browser is going. */
  async function keepUntouched(gen: Generation, slot: Slot): Promise<void> {
    if (!gen.retiring && !closed && gen.browser.connected && gen.slots.has(slot)) {
      gen.idle.push(slot);
      return;
    }
    await closeSlot(gen, slot);
  }

  function checkRss(gen: Generation): void {
    const pid = gen.browser.process()?.pid;
    if (maxRssMb <= 0 || pid === undefined || gen.retiring || Date.now() - gen.lastRssCheck < rssCheckIntervalMs) return;
    gen.lastRssCheck = Date.now();
    void processTreeMemoryBytes(pid).then((bytes) => {
      const rssMb = Math.round(bytes / 2 ** 20);
      if (rssMb > maxRssMb) retire(gen, 'rss', { rssMb, maxRssMb });
    });
  }

  /** Hands out a warm page (or opens one); `releaseSlot` frees the semaphore once the page is reset or closed. */
  async function lease(signal: AbortSignal | undefined, releaseSlot: () => void): Promise<PageLease> {
    const gen = await raceAbort(generation(), signal, () => new JobAbortedError(signal?.reason));
    if (closed) throw new JobAbortedError();
    gen.assigned++;
    gen.active++;
    let slot = gen.idle.pop();
    // This job is the browser's last: later ones launch the next browser while this one finishes.
    if (recyclePages > 0 && gen.assigned >= recyclePages) retire(gen, 'pages');
    if (!slot) {
      const opening = openSlot(gen);
      try {
        slot = await raceAbort(opening, signal, () => new JobAbortedError(signal?.reason));
      } catch (error) {
        opening.then((late) => closeSlot(gen, late), () => undefined); // opened after the job gave up
        gen.active--;
        closeIfDone(gen);
        throw gen.browser.connected || error instanceof JobAbortedError ? error : new BrowserCrashedError(error);
      }
    }
    const held = slot;
    let released = false;
    return {
      browser: gen.browser,
      page: held.page,
      fresh: !held.prepared,
      network: held.network,
      prepared() {
        held.prepared = true;
      },
      release(outcome) {
        if (released) return;
        released = true;
        if (outcome === 'untouched') gen.assigned--;
        void (outcome === 'untouched' ? keepUntouched(gen, held) : recycleSlot(gen, held, outcome)).finally(() => {
          gen.active--;
          closeIfDone(gen);
          checkRss(gen);
          releaseSlot();
        });
      },
    };
  }

  return {
    async acquire(signal) {
      if (closed) throw new JobAbortedError();
      const release = await slotsFree.acquire(signal);
      try {
        if (closed) throw new JobAbortedError();
        return await lease(signal, release);
      } catch (error) {
        release();
        throw error;
      }
    },
    pid: () => (currentGen?.browser.connected ? currentGen.browser.process()?.pid : undefined),
    launches: () => launched,
    pagesOpen,
    async close() {
      closed = true;
      await current?.catch(() => undefined);
      current = undefined;
      currentGen = undefined;
      const browsers = [...generations].map((gen) => gen.browser);
      const networks = [...generations].flatMap((gen) => [...gen.slots].map((slot) => slot.network?.close()));
      generations.clear();
      await Promise.all(networks);
      await Promise.all(browsers.map((browser) => stopChromium(browser, closeTimeoutMs)));
      pagesChanged();
    },
  };
}
