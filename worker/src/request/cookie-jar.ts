/**
 * @module worker/request/cookie-jar
 * One run's cookies in http mode, on tough-cookie (RFC 6265 domain, path, Secure and expiry
 * rules): the job's `cookies`, a sticky session's stored jar, and every Set-Cookie the redirect
 * chain answers with, so a login redirect's cookie reaches the next hop as a browser would send it.
 * `stored()` is the form a session keeps between jobs (and the browser renderer reads and writes).
 */
import { Cookie, CookieJar } from 'tough-cookie';
import type { RequestCookie } from '../../../shared/scrape-options/index.ts';

/** A cookie as a session keeps it (and as Puppeteer's setCookie takes it). */
export interface StoredCookie {
  name: string;
  value: string;
  /** Without a leading dot for host-only cookies; `hostOnly` says which. */
  domain: string;
  hostOnly: boolean;
  path: string;
  /** Seconds since the epoch; -1 for a session cookie. */
  expires: number;
  secure: boolean;
  httpOnly: boolean;
}

export interface RunCookieJar {
  /** The Cookie header for `url`, or undefined when no cookie applies. */
  header(url: URL): Promise<string | undefined>;
  /** Takes the Set-Cookie values of a response to `url` (invalid ones are ignored, as browsers do). */
  store(url: URL, setCookies: readonly string[]): Promise<void>;
  /** Every live cookie, for a session to keep. */
  stored(): Promise<StoredCookie[]>;
}

function fromStored(cookie: StoredCookie): Cookie {
  return new Cookie({
    key: cookie.name, value: cookie.value, domain: cookie.domain.replace(/^\./, ''), hostOnly: cookie.hostOnly, path: cookie.path,
    secure: cookie.secure, httpOnly: cookie.httpOnly, expires: cookie.expires > 0 ? new Date(cookie.expires * 1000) : 'Infinity',
  });
}

function toStored(cookie: Cookie): StoredCookie {
  const expires = cookie.expires instanceof Date ? Math.floor(cookie.expires.getTime() / 1000) : -1;
  return {
    name: cookie.key, value: cookie.value, domain: cookie.domain ?? '', hostOnly: cookie.hostOnly ?? false, path: cookie.path ?? '/',
    expires, secure: cookie.secure, httpOnly: cookie.httpOnly,
  };
}

/** The job's cookie as a stored one, for `url` (a cookie without domain is host-only there). */
export function jobCookieToStored(cookie: RequestCookie, url: URL): StoredCookie {
  return {
    name: cookie.name, value: cookie.value, domain: (cookie.domain ?? url.hostname).replace(/^\./, '').toLowerCase(),
    hostOnly: cookie.domain === undefined, path: cookie.path ?? '/', expires: -1, secure: cookie.secure ?? false, httpOnly: cookie.httpOnly ?? false,
  };
}

export async function createRunCookieJar(url: URL, cookies: readonly StoredCookie[]): Promise<RunCookieJar> {
  // The public-suffix check stays on: a Set-Cookie for `.com` must not reach every site.
  const jar = new CookieJar();
  for (const cookie of cookies) {
    // The job's (or session's) cookies are set as if the site had set them; one for another domain is ignored.
    await jar.setCookie(fromStored(cookie), `${cookie.secure ? 'https' : url.protocol.slice(0, -1)}://${cookie.domain}${cookie.path}`, { ignoreError: true });
  }
  return {
    async header(target) {
      const value = await jar.getCookieString(target.href);
      return value === '' ? undefined : value;
    },
    async store(target, setCookies) {
      for (const value of setCookies) await jar.setCookie(value, target.href, { ignoreError: true });
    },
    async stored() {
      const serialized = await jar.serialize();
      return serialized.cookies.map((json) => Cookie.fromJSON(json)).filter((cookie): cookie is Cookie => cookie !== null).map(toStored);
    },
  };
}

/** A cookie as Puppeteer reads it from a browser context. */
export function fromBrowserCookie(cookie: { name: string; value: string; domain: string; path: string; expires: number; secure?: boolean; httpOnly?: boolean }): StoredCookie {
  const hostOnly = !cookie.domain.startsWith('.');
  return {
    name: cookie.name, value: cookie.value, domain: cookie.domain.replace(/^\./, ''), hostOnly, path: cookie.path,
    expires: cookie.expires > 0 ? Math.floor(cookie.expires) : -1, secure: cookie.secure ?? false, httpOnly: cookie.httpOnly ?? false,
  };
}
