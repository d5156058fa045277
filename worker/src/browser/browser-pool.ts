/**
 * @module worker/browser/browser-pool
 * Owns the worker's one long-lived Chromium: launched on first use, relaunched after it crashes
 * or disconnects, pages capped by a semaphore, closed on shutdown. Page handling lives in page-renderer.ts.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { Logger } from 'pino';
import { BrowserLaunchError, BrowserUnavailableError, JobAbortedError } from '../errors/index.ts';
import { raceAbort } from '../abortable.ts';
import { Semaphore } from './semaphore.ts';

/**
 * Required here: we run as root (no sandbox), and on a closed network Chromium's background
 * services (sync, component updates, field trials) would retry forever.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage',
];

export interface BrowserPoolOptions {
  /** Chromium binary; browser jobs throw `BrowserUnavailableError` without one. */
  executablePath: string | undefined;
  /** Pages open at once; further `acquire()` calls wait. */
  maxPages: number;
  /** Sent by every page (set once at launch rather than per page). */
  userAgent?: string;
  /** Added after `CHROMIUM_ARGS`. */
  extraArgs?: string[];
  /** Give up launching after this long, in milliseconds. */
  launchTimeoutMs?: number;
  /** How long `close()` waits for a clean browser exit before SIGKILL. */
  closeTimeoutMs?: number;
  logger?: Logger;
}

/** A page slot on the current browser; `release()` must be called once the page is closed. */
export interface BrowserLease {
  readonly browser: Browser;
  release(): void;
}

export interface BrowserPool {
  acquire(signal?: AbortSignal): Promise<BrowserLease>;
  /** PID of the running Chromium, if one is running. */
  pid(): number | undefined;
  /** Browsers launched so far (1 + relaunches). */
  launches(): number;
  close(): Promise<void>;
}

export function createBrowserPool(options: BrowserPoolOptions): BrowserPool {
  const { executablePath, maxPages, userAgent, extraArgs = [], launchTimeoutMs = 30_000, closeTimeoutMs = 5_000, logger } = { ...options };
  const pages = new Semaphore(maxPages);
  let current: Promise<Browser> | undefined;
  let live: Browser | undefined;
  let launched = 0;
  let closed = false;

  async function launch(): Promise<Browser> {
    if (!executablePath) throw new BrowserUnavailableError();
    const args = [...CHROMIUM_ARGS, ...(userAgent ? [`--user-agent=${userAgent}`] : []), ...extraArgs];
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath,
        // chromium-headless-shell is the old headless mode; Puppeteer must be told, or it passes --headless=new.
        headless: basename(executablePath).includes('headless-shell') ? 'shell' : true,
        args,
        pipe: true,
        timeout: launchTimeoutMs,
        // The worker's own signal handlers close the browser in order; Puppeteer's would race them.
        handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      });
    } catch (error) {
      throw existsSync(executablePath) ? new BrowserLaunchError(error) : new BrowserUnavailableError();
    }
    launched++;
    logger?.info({ browserPid: browser.process()?.pid, launches: launched }, 'browser launched');
    return browser;
  }

  function browser(): Promise<Browser> {
    if (current) return current;
    const launching = launch();
    current = launching;
    launching.then(
      (started) => {
        live = started;
        started.once('disconnected', () => {
          if (current === launching) current = undefined;
          if (live === started) live = undefined;
          if (!closed) logger?.warn('browser disconnected; the next page relaunches it');
        });
      },
      // A failed launch is not cached: the next job tries again.
      () => {
        if (current === launching) current = undefined;
      },
    );
    return launching;
  }

  return {
    async acquire(signal) {
      if (closed) throw new JobAbortedError();
      const release = await pages.acquire(signal);
      try {
        if (closed) throw new JobAbortedError();
        // A launch cannot be cancelled, but the job stops waiting for it (it serves the next job).
        return { browser: await raceAbort(browser(), signal, () => new JobAbortedError(signal?.reason)), release };
      } catch (error) {
        release();
        throw error;
      }
    },
    pid: () => (live?.connected ? live.process()?.pid : undefined),
    launches: () => launched,
    async close() {
      closed = true;
      const running = await current?.catch(() => undefined);
      current = undefined;
      if (!running) return;
      const process = running.process();
      const timer = setTimeout(() => process?.kill('SIGKILL'), closeTimeoutMs);
      try {
        await running.close();
      } catch {
        process?.kill('SIGKILL');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
