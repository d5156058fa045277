/**
 * @module worker/request/browser-request
 * The browser-mode form of a job's request settings: the page's emulation (user agent,
 * Accept-Language, locale, time zone, device), the cookies set before it loads, the resource
 * types it skips, and the overrides request interception applies: the job's headers on requests
 * to the job URL's origin (a third-party script or image never gets an API key meant for the
 * site), and the method and body on the first navigation (POST in browser mode).
 */
import type { ContinueRequestOverrides, CookieParam, HTTPRequest } from 'puppeteer-core';
import { DEFAULT_EMULATION, type Emulation } from '../browser/page-emulation.ts';
import { jobCookieToStored, type StoredCookie } from './cookie-jar.ts';
import type { RequestSettings } from './request-settings.ts';

export interface BrowserRequest {
  emulation: Emulation;
  cookies: CookieParam[];
  blocked: ReadonlySet<string>;
  /** A sticky session: takes the context's cookies once the page is read. */
  keepCookies?: ((cookies: StoredCookie[]) => void) | undefined;
  /** Overrides for one intercepted request of the job's page, or undefined to send it as it is. */
  overrides(request: HTTPRequest, mainFrameNavigation: boolean): ContinueRequestOverrides | undefined;
}

/** A stored cookie as Puppeteer sets it: host-only ones by URL, domain ones by domain. */
export function toCookieParam(cookie: StoredCookie): CookieParam {
  const base = { name: cookie.name, value: cookie.value, path: cookie.path, secure: cookie.secure, httpOnly: cookie.httpOnly, ...(cookie.expires > 0 ? { expires: cookie.expires } : {}) };
  return cookie.hostOnly
    ? { ...base, url: `${cookie.secure ? 'https' : 'http'}://${cookie.domain}${cookie.path}` }
    : { ...base, domain: `.${cookie.domain}` };
}

export function browserRequestFor(url: string, settings: RequestSettings, session?: readonly StoredCookie[], keepCookies?: (cookies: StoredCookie[]) => void): BrowserRequest {
  const target = new URL(url);
  const { userAgent, acceptLanguage, locale, timezone, device, method, body, headers } = settings;
  const emulated = userAgent !== undefined || acceptLanguage !== undefined || locale !== undefined || timezone !== undefined || device !== undefined;
  // Chromium weighs the languages itself (`fr-CA,fr` goes out as `fr-CA,fr;q=0.9`): it takes the bare list.
  const languages = acceptLanguage?.split(',').map((part) => part.split(';')[0]!.trim()).filter(Boolean).join(',');
  const emulation: Emulation = emulated ? { userAgent, acceptLanguage: languages, locale, timezone, viewport: device?.viewport } : DEFAULT_EMULATION;
  const cookies = [...(session ?? []), ...settings.cookies.map((cookie) => jobCookieToStored(cookie, target))].map(toCookieParam);
  const extraHeaders = Object.entries(headers);
  let firstNavigation = method !== 'GET' || body !== undefined;
  return {
    emulation, cookies, blocked: settings.blockResources, keepCookies,
    overrides(request, mainFrameNavigation) {
      const post = firstNavigation && mainFrameNavigation && request.redirectChain().length === 0;
      let sameOrigin = false;
      try {
        sameOrigin = new URL(request.url()).origin === target.origin;
      } catch { /* an unparseable URL gets nothing */ }
      if (!post && (!sameOrigin || extraHeaders.length === 0)) return undefined;
      const sent: Record<string, string> = { ...request.headers() };
      if (sameOrigin) for (const [name, value] of extraHeaders) sent[name.toLowerCase()] = value;
      if (!post) return { headers: sent };
      firstNavigation = false;
      if (body !== undefined && !Object.keys(sent).some((name) => name.toLowerCase() === 'content-type')) sent['content-type'] = body.contentType;
      return { method, headers: sent, ...(body !== undefined ? { postData: body.text } : {}) };
    },
  };
}
