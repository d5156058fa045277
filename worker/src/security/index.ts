/**
 * @module worker/src/security
 * The SSRF guard's public surface: what the http fetcher and the browser renderer import.
 */
export { classifyAddress, isAllowedAddress, type AddressVerdict } from './address-classifier.ts';
export type { AddressCategory } from './address-ranges.ts';
export { ALLOW_PRIVATE_CIDRS_ENV, allowListFromEnv, parseAllowList, InvalidCidrError, type AllowList } from './allow-list.ts';
export { installBrowserGuard, type BrowserGuardOptions, type InstalledBrowserGuard } from './browser-guard.ts';
export { guardedBrowserArgs } from './browser-launch-args.ts';
export {
  ForbiddenAddressError,
  ForbiddenProtocolError,
  InvalidHostError,
  isSsrfRefusal,
  SsrfRefusalError,
} from './errors.ts';
export { startGuardedProxy, type GuardedProxy, type GuardedProxyOptions } from './guarded-proxy.ts';
export { parseHost, parseUrlHost, type ParsedHost } from './host-parser.ts';
export { systemResolver, type ResolvedAddress, type Resolver } from './resolver.ts';
export { createSsrfGuard, type CheckedTarget, type SsrfGuard, type SsrfGuardOptions } from './ssrf-guard.ts';
