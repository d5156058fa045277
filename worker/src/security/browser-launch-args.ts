/**
 * @module worker/src/security/browser-launch-args
 * Chromium flags that send ALL of the browser's traffic through the guarded proxy, so the guard
 * (not Chromium) resolves names and picks the address: DNS rebinding and the request kinds that
 * interception misses (WebSockets, service workers, preconnects) are judged there.
 */
import type { GuardedProxy } from './guarded-proxy.ts';

/** Flags to add to `puppeteer.launch({ args })` when Chromium runs behind `startGuardedProxy`. */
export function guardedBrowserArgs(proxy: GuardedProxy | string): string[] {
  const url = typeof proxy === 'string' ? proxy : proxy.url;
  const { hostname } = new URL(url);
  return [
    `--proxy-server=${url}`,
    // Chromium never proxies loopback by default; `<-loopback>` removes that implicit bypass.
    '--proxy-bypass-list=<-loopback>',
    // Chromium must not resolve anything itself: a second, unchecked resolution is what rebinding
    // exploits, and DNS queries leak. The rules also catch IP literals, hence the proxy's exclusion.
    `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${hostname}`,
    // WebRTC can send UDP (STUN/TURN) to any address, outside both the proxy and interception.
    '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  ];
}
