/**
 * @module worker/request/fetch-request
 * The http-mode form of a job's request settings: what the fetcher sends on each hop, with a
 * cookie jar when the job has cookies or a sticky session (whose jar collects what the site sets). Undefined for a plain GET, so the
 * common job keeps the fetcher's constant headers.
 */
import type { FetchRequest } from '../http/http-fetcher.ts';
import { createRunCookieJar, jobCookieToStored, type StoredCookie } from './cookie-jar.ts';
import { isPlainRequest, type RequestSettings } from './request-settings.ts';

export async function fetchRequestFor(url: string, settings: RequestSettings, session?: readonly StoredCookie[]): Promise<FetchRequest | undefined> {
  if (isPlainRequest(settings) && session === undefined) return undefined;
  const target = new URL(url);
  const cookies = [...(session ?? []), ...settings.cookies.map((cookie) => jobCookieToStored(cookie, target))];
  return {
    method: settings.method, headers: settings.headers, userAgent: settings.userAgent, acceptLanguage: settings.acceptLanguage, body: settings.body,
    cookies: cookies.length > 0 || session !== undefined ? await createRunCookieJar(target, cookies) : undefined,
  };
}
