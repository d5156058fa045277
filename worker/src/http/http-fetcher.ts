/**
 * @module worker/http/http-fetcher
 * Fetches one page over plain HTTP with undici: redirects followed by hand (so every hop passes
 * `checkUrl` and the caller's `onRedirect`), one deadline for the whole chain, a streamed body
 * under a byte cap.
 */
import { request, type Dispatcher } from 'undici';
import {
  FetchFailedError, FetchTimeoutError, InvalidRedirectError, JobAbortedError, ResponseTooLargeError,
  TooManyRedirectsError, httpStatusError, parseRetryAfter,
} from '../errors/index.ts';
import { ACCEPT_ENCODING, readCappedBody } from './read-body.ts';
import { decodeText, isHtmlContentType } from './content-type.ts';
import type { RunCookieJar } from '../request/cookie-jar.ts';

export interface HttpFetcherOptions {
  /** `User-Agent` header. */
  userAgent: string;
  /** Cap on the decoded body, in bytes. */
  maxBodyBytes: number;
  /** Redirects followed; one more throws `TooManyRedirectsError`. */
  maxRedirects: number;
  /** Called before every hop (the first request and each redirect); throw to refuse the URL. */
  checkUrl?: (url: URL) => Promise<unknown>;
  /** undici dispatcher (e.g. one that pins DNS answers); undici's global one when omitted. */
  dispatcher?: Dispatcher;
}

export interface FetchOptions {
  /** Deadline for the whole fetch, redirects and body included. */
  timeoutMs: number;
  /** Aborts the fetch from outside (shutdown hand-back, BullMQ cancel). */
  signal?: AbortSignal;
  /** The caller ran `checkUrl` on this URL just before (the politeness gate does): the first hop skips it. */
  urlChecked?: boolean;
  /**
   * Called before each redirect hop is requested, after `checkUrl` (the politeness gate's
   * robots.txt and per-domain slot of the hop's site), with the status of the redirect that
   * led there; its errors end the fetch unchanged (a crawl stops there: its redirects are links).
   */
  onRedirect?: (url: URL, status: number) => Promise<void>;
  /** What to send instead of a plain GET with the worker's headers (the job's request options). */
  request?: FetchRequest;
  /** Sends this fetch through another dispatcher (a proxy's) instead of the fetcher's own. */
  dispatcher?: Dispatcher;
}

/** A job's request, as worker/src/request/ prepared it. */
export interface FetchRequest {
  method: string;
  /** The caller's headers (never User-Agent or Accept-Language: those are below). */
  headers: Readonly<Record<string, string>>;
  userAgent?: string | undefined;
  acceptLanguage?: string | undefined;
  body?: { text: string; contentType: string } | undefined;
  /** Cookies sent to each hop, and where each hop's Set-Cookie goes. */
  cookies?: RunCookieJar | undefined;
}

export interface FetchedPage {
  url: string;
  /** URL of the response that ended the redirect chain. */
  finalUrl: string;
  status: number;
  contentType: string | null;
  /** Headers of the final response, names lower-cased, repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Decoded body when the response is HTML; null otherwise (such bodies are not downloaded). */
  html: string | null;
  /** Decoded body size in bytes (0 when not read). */
  bytes: number;
  redirects: number;
}

export interface HttpFetcher {
  fetch(url: string, options: FetchOptions): Promise<FetchedPage>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Resolves a `Location` against the current URL; only http(s) targets are followed. */
function redirectTarget(location: string | undefined, base: URL): URL {
  try {
    const target = new URL(location ?? '', base);
    if (location && (target.protocol === 'http:' || target.protocol === 'https:')) return target;
  } catch { /* fall through */ }
  throw new InvalidRedirectError();
}

export function createHttpFetcher(options: HttpFetcherOptions): HttpFetcher {
  const { userAgent, maxBodyBytes, maxRedirects, checkUrl, dispatcher } = { ...options };
  const headers = { 'user-agent': userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5', 'accept-encoding': ACCEPT_ENCODING };

  /** The headers of one hop: the worker's, then the job's; Authorization is not carried to another origin (as fetch() does). */
  async function hopHeaders(request: FetchRequest, hop: URL, first: URL, hasBody: boolean): Promise<Record<string, string>> {
    const sent: Record<string, string> = { ...headers };
    if (request.userAgent !== undefined) sent['user-agent'] = request.userAgent;
    if (request.acceptLanguage !== undefined) sent['accept-language'] = request.acceptLanguage;
    const crossOrigin = hop.origin !== first.origin;
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      if (crossOrigin && lower === 'authorization') continue;
      if (!hasBody && lower === 'content-type') continue;
      sent[lower] = value;
    }
    if (hasBody && sent['content-type'] === undefined) sent['content-type'] = request.body!.contentType;
    const cookie = await request.cookies?.header(hop);
    if (cookie !== undefined) sent.cookie = cookie;
    return sent;
  }

  async function fetchPage(url: string, { timeoutMs, signal, urlChecked = false, onRedirect, request: asked, dispatcher: through }: FetchOptions): Promise<FetchedPage> {
    const via = through ?? dispatcher;
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
    // Errors from undici are translated; errors from checkUrl (typed by the guard) pass through.
    const translate = (error: unknown): unknown => {
      if (deadline.aborted) return new FetchTimeoutError(timeoutMs, error);
      if (signal?.aborted) return new JobAbortedError(error);
      if (error instanceof Error && !('code' in error)) return error;
      return new FetchFailedError((error as { code?: string }).code, error);
    };

    let current = new URL(url);
    const first = current;
    let method = asked?.method ?? 'GET';
    let body = asked?.body?.text;
    let redirectStatus = 0;
    for (let redirects = 0; ; redirects++) {
      // Redirect hops are always checked (the dispatcher checks every connection besides).
      if (redirects > 0 || !urlChecked) await checkUrl?.(current);
      if (redirects > 0) await onRedirect?.(current, redirectStatus);
      if (combined.aborted) throw translate(combined.reason);
      let response: Dispatcher.ResponseData;
      try {
        const sent = asked ? await hopHeaders(asked, current, first, body !== undefined) : headers;
        response = await request(current, {
          method: method as Dispatcher.HttpMethod, headers: sent, signal: combined, ...(body !== undefined ? { body } : {}), ...(via ? { dispatcher: via } : {}),
        });
      } catch (error) {
        throw translate(error);
      }
      const { statusCode: status, headers: responseHeaders, body: responseBody } = response;
      const setCookies = responseHeaders['set-cookie'];
      if (asked?.cookies && setCookies !== undefined) await asked.cookies.store(current, Array.isArray(setCookies) ? setCookies : [setCookies]);
      if (REDIRECT_STATUSES.has(status) && header(responseHeaders, 'location') !== undefined) {
        await responseBody.dump().catch(() => undefined);
        if (redirects >= maxRedirects) throw new TooManyRedirectsError(maxRedirects);
        current = redirectTarget(header(responseHeaders, 'location'), current);
        // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body; 307/308 resend both.
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          if (method !== 'HEAD') method = 'GET';
          body = undefined;
        }
        redirectStatus = status;
        continue;
      }
      if (status >= 400) {
        await responseBody.dump().catch(() => undefined);
        throw httpStatusError(status, parseRetryAfter(header(responseHeaders, 'retry-after')));
      }
      const contentType = header(responseHeaders, 'content-type') ?? null;
      const page = { url, finalUrl: current.href, status, contentType, headers: flatHeaders(responseHeaders), redirects };
      if (!isHtmlContentType(contentType)) {
        await responseBody.dump().catch(() => undefined);
        return { ...page, html: null, bytes: 0 };
      }
      let bytes: Buffer;
      try {
        bytes = await readCappedBody(responseBody, {
          maxBytes: maxBodyBytes,
          contentEncoding: header(responseHeaders, 'content-encoding'),
          contentLength: header(responseHeaders, 'content-length'),
        });
      } catch (error) {
        throw error instanceof ResponseTooLargeError ? error : translate(error);
      }
      return { ...page, html: decodeText(bytes, contentType ?? undefined), bytes: bytes.length };
    }
  }

  return { fetch: fetchPage };
}
