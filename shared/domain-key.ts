/**
 * @module shared/domain-key
 * Which "domain" a URL belongs to for politeness limits: the unit every rate, concurrency cap
 * and cooldown is counted against.
 *
 * Choice: the lower-cased hostname plus the port when it is not the scheme's default
 * (`example.com`, `example.com:8080`, `127.0.0.2:41234`, `[::1]:8080`). We do not fold
 * subdomains into their registrable domain (eTLD+1): that needs the Public Suffix List, which is
 * not a dependency, and guessing it wrongly would merge unrelated sites (`a.github.io` and
 * `b.github.io`). The cost is that a site serving many hostnames gets one budget per hostname;
 * set a per-hostname override when that matters. http and https of one host share a budget
 * (the same server usually answers both); IPs and loopback keep their port, so local test
 * sites on different ports are different domains.
 */

/** Characters a domain key may contain: hostname letters, IPv6 brackets/colons, the port colon. */
const DOMAIN_KEY_PATTERN = /^[a-z0-9._\-:[\]]{1,300}$/;

export class InvalidDomainKeyError extends Error {
  override name = 'InvalidDomainKeyError';
}

/** The politeness domain of `url` (see the module comment for the exact rule). */
export function domainKey(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new InvalidDomainKeyError(`Not an absolute URL: ${String(url).slice(0, 200)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidDomainKeyError(`Not an http(s) URL: ${parsed.protocol}`);
  }
  // WHATWG URL already lower-cases and punycodes the hostname and empties `port` when it is
  // the scheme default; a trailing dot names the same host, so drop it.
  const host = parsed.hostname.replace(/\.$/, '');
  return assertDomainKey(parsed.port === '' ? host : `${host}:${parsed.port}`);
}

/** Throws unless `domain` looks like a key `domainKey` produces (it is embedded in Redis keys). */
export function assertDomainKey(domain: string): string {
  if (!DOMAIN_KEY_PATTERN.test(domain)) {
    throw new InvalidDomainKeyError(`Invalid domain key "${domain.slice(0, 100)}"`);
  }
  return domain;
}

/** The origin whose `/robots.txt` governs `url` (robots.txt is per scheme, host and port). */
export function robotsOrigin(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return parsed.origin;
}
