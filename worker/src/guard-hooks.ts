/**
 * @module worker/guard-hooks
 * Builds the SSRF guard's hooks for both fetch modes from config: `checkUrl` + a DNS-pinning
 * dispatcher for HTTP, and for Chromium a loopback forward proxy (all its traffic, WebSockets
 * and service workers included, goes through the guard) plus per-page interception.
 */
import type { Page } from 'puppeteer-core';
import type { Dispatcher } from 'undici';
import {
  createSsrfGuard, guardedBrowserArgs, installBrowserGuard, startGuardedProxy, type SsrfGuard,
} from './security/index.ts';
import type { UpstreamProxy } from './security/guarded-proxy.ts';
import type { SlotNetwork } from './browser/browser-pool.ts';

export interface GuardHooks {
  checkUrl: (url: URL) => Promise<void>;
  checkRequest: (url: URL) => Promise<boolean>;
  dispatcher: Dispatcher;
  browserArgs: string[];
  preparePage: (page: Page) => Promise<void>;
  /**
   * A guarded proxy of a browser page slot's own: its context talks to it, and each job sets
   * the upstream proxy it chains to after the guard's check (or none: direct and pinned).
   */
  openSlotNetwork: () => Promise<SlotNetwork>;
  close(): Promise<void>;
}

export interface GuardHooksOptions {
  /** `QUARRY_ALLOW_PRIVATE_CIDRS`: private ranges let through (tests, private deployments). */
  allowPrivateCidrs: string;
}

export async function createGuardHooks(options: GuardHooksOptions): Promise<GuardHooks> {
  const guard: SsrfGuard = createSsrfGuard({ allowPrivateCidrs: options.allowPrivateCidrs });
  const proxy = await startGuardedProxy(guard);
  return {
    checkUrl: async (url) => { await guard.checkUrl(url); },
    checkRequest: (url) => guard.checkRequest(url),
    dispatcher: guard.dispatcher,
    browserArgs: guardedBrowserArgs(proxy),
    preparePage: async (page) => { await installBrowserGuard(page, guard, { webSockets: 'proxy' }); },
    async openSlotNetwork() {
      let current: UpstreamProxy | undefined;
      const slotProxy = await startGuardedProxy(guard, { upstream: () => current });
      return {
        proxyServer: slotProxy.url,
        use(upstream) {
          if (upstream === current) return;
          current = upstream;
          // Connections and tunnels the last job opened lead to its route: the next job opens its own.
          slotProxy.dropConnections();
        },
        close: () => slotProxy.close(),
      };
    },
    async close() {
      await proxy.close();
      // destroy, not close: close() waits for in-flight requests, and a handed-back job's
      // request may still be streaming from a slow site.
      await guard.dispatcher.destroy();
    },
  };
}
