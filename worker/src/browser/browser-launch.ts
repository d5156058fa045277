/**
 * @module worker/browser/browser-launch
 * Starts one Chromium for the browser pool with the flags this deployment needs, and stops one
 * (clean close, SIGKILL after a deadline).
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { BrowserLaunchError, BrowserUnavailableError } from '../errors/index.ts';

/**
 * Required here: we run as root (no sandbox), and on a closed network Chromium's background
 * services (sync, component updates, field trials) would retry forever.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage',
];

export interface LaunchOptions {
  /** Chromium binary; `BrowserUnavailableError` without one. */
  executablePath: string | undefined;
  /** Sent by every page (set once at launch rather than per page). */
  userAgent?: string;
  /** Added after `CHROMIUM_ARGS`. */
  extraArgs?: string[];
  /** Give up launching after this long, in milliseconds. */
  timeoutMs: number;
}

export async function launchChromium(options: LaunchOptions): Promise<Browser> {
  const { executablePath, userAgent, extraArgs = [], timeoutMs } = options;
  if (!executablePath) throw new BrowserUnavailableError();
  const args = [...CHROMIUM_ARGS, ...(userAgent ? [`--user-agent=${userAgent}`] : []), ...extraArgs];
  try {
    return await puppeteer.launch({
      executablePath,
      // chromium-headless-shell is the old headless mode; Puppeteer must be told, or it passes --headless=new.
      headless: basename(executablePath).includes('headless-shell') ? 'shell' : true,
      args,
      pipe: true,
      timeout: timeoutMs,
      // The worker's own signal handlers close the browser in order; Puppeteer's would race them.
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
  } catch (error) {
    throw existsSync(executablePath) ? new BrowserLaunchError(error) : new BrowserUnavailableError();
  }
}

/** Closes `browser`, killing its process if it has not exited within `timeoutMs`. */
export async function stopChromium(browser: Browser, timeoutMs: number): Promise<void> {
  const process = browser.process();
  const timer = setTimeout(() => process?.kill('SIGKILL'), timeoutMs);
  try {
    await browser.close();
  } catch {
    process?.kill('SIGKILL');
  } finally {
    clearTimeout(timer);
  }
}
