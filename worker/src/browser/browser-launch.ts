/**
 * @module worker/browser/browser-launch
 * Starts one Chromium for the browser pool with the flags this deployment needs, and stops one
 * (clean close, SIGKILL after a deadline).
 *
 * Sandbox: Chromium keeps its own sandbox (user namespaces; Debian ships no setuid helper) unless
 * it cannot have it: as root Chromium refuses to start sandboxed, and a kernel or container that
 * denies unprivileged user namespaces makes it die at start ("No usable sandbox!"). Then this
 * worker falls back to `--no-sandbox` for the rest of its life and says so once, with the reason
 * (chromium-sandbox.ts decides). The image runs as uid 1000, so it is sandboxed wherever the
 * host allows.
 *
 * Environment: Chromium and every page renderer get an explicit, minimal environment
 * (chromium-env.ts), never the worker's: REDIS_URL with its password, callback secrets and
 * dashboard credentials have no business in a process that runs hostile pages' scripts.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { BrowserLaunchError, BrowserUnavailableError } from '../errors/index.ts';
import { chromiumEnv } from './chromium-env.ts';
import { isEarlyExit, sandboxDecision, settleSandbox, type SandboxLogger, type SandboxProbe } from './chromium-sandbox.ts';

/**
 * Required here: on a closed network Chromium's background services (sync, component updates,
 * field trials) would retry forever. `--no-sandbox` is added only when the sandbox cannot work.
 */
export const CHROMIUM_ARGS = [
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
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
  /** Told once per process whether Chromium runs sandboxed, and why not. */
  logger?: SandboxLogger;
  /** Where Chromium's allow-listed variables come from (process.env when omitted). */
  env?: NodeJS.ProcessEnv;
  /** How the sandbox question is asked (tests); the host's uid, sysctls and `unshare` by default. */
  sandboxProbe?: SandboxProbe;
}

export async function launchChromium(options: LaunchOptions): Promise<Browser> {
  const { executablePath, userAgent, extraArgs = [], timeoutMs, logger, env = process.env, sandboxProbe } = options;
  if (!executablePath) throw new BrowserUnavailableError();
  const launch = (sandbox: boolean) => puppeteer.launch({
    executablePath,
    // chromium-headless-shell is the old headless mode; Puppeteer must be told, or it passes --headless=new.
    headless: basename(executablePath).includes('headless-shell') ? 'shell' : true,
    args: [...CHROMIUM_ARGS, ...(sandbox ? [] : ['--no-sandbox']), ...(userAgent ? [`--user-agent=${userAgent}`] : []), ...extraArgs],
    env: chromiumEnv(env),
    pipe: true,
    timeout: timeoutMs,
    // The worker's own signal handlers close the browser in order; Puppeteer's would race them.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  const decision = await sandboxDecision(sandboxProbe);
  let browser: Browser;
  try {
    browser = await launch(decision.sandbox);
  } catch (error) {
    if (!existsSync(executablePath)) throw new BrowserUnavailableError();
    // Only a first, sandboxed launch can fail for the sandbox (later ones know the answer); an
    // unsandboxed one that then starts shows the sandbox was the cause.
    if (!decision.sandbox || decision.settled || !isEarlyExit(error)) throw new BrowserLaunchError(error);
    try {
      browser = await launch(false);
    } catch (retryError) {
      throw new BrowserLaunchError(retryError);
    }
    settleSandbox({ sandbox: false, reason: `the sandboxed launch failed (${firstLine(error)}) and an unsandboxed one started` }, logger);
    return browser;
  }
  settleSandbox(decision, logger);
  return browser;
}

/** Chromium's FATAL line if Puppeteer has it, else the error's first line; short enough for a log field. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').find((l) => /sandbox|FATAL/i.test(l)) ?? text.split('\n')[0]!;
  return line.replace(/^\[[^\]]*\]\s*/, '').trim().slice(0, 300);
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
