/**
 * @module shared/scrape-options/request-options
 * How the request itself looks: method and body, headers, cookies, user agent, locale,
 * timezone, device, and which resource types a browser page skips. Both modes unless a check
 * below says browser only. `encodeRequestBody` is shared by the edge (size check) and the
 * worker (what it sends), so both read the body the same way; the edge's dedupe id covers every
 * scrape option (edge/src/jobs/enqueue/submission.ts).
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import type { ScrapeOptionsCheck } from './check.ts';
import type { JobMode } from './fetch-options.ts';

const { headers: headerLimits, cookies: cookieLimits } = LIMITS;

/** RFC 9110 token: what a header (and a cookie) name may be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A field value without CR, LF, NUL or other controls (tab allowed): nothing can start a new header. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers a caller cannot set, with what to do instead. Hop-by-hop headers belong to one
 * connection (RFC 9110 §7.6.1); Host and Content-Length are computed from the URL and body;
 * Cookie has its own field (the worker merges it with a session's cookie jar).
 */
export const REFUSED_HEADERS: Readonly<Record<string, string>> = {
  connection: 'is hop-by-hop: it describes one connection, which the worker manages',
  'keep-alive': 'is hop-by-hop: it describes one connection, which the worker manages',
  'proxy-connection': 'is hop-by-hop: it describes one connection, which the worker manages',
  'proxy-authorization': 'is hop-by-hop: proxy credentials belong in QUARRY_PROXY_POOLS, never in a job',
  'proxy-authenticate': 'is hop-by-hop and a response header',
  te: 'is hop-by-hop: it describes one connection, which the worker manages',
  trailer: 'is hop-by-hop: it describes one connection, which the worker manages',
  'transfer-encoding': 'is hop-by-hop: the worker frames the body itself',
  upgrade: 'is hop-by-hop: protocol switches are not supported',
  host: 'comes from the URL: change the url instead',
  'content-length': 'is computed from the body',
  'accept-encoding': 'is set by the worker, which decodes the body itself (gzip, deflate, br)',
  cookie: 'has its own field: send cookies as "cookies": [{"name": …, "value": …}]',
};

export const requestHeadersSchema = z
  .record(
    // Names are checked below: a failed key schema only says "Invalid key in record".
    z.string(),
    z.string().max(headerLimits.valueMaxLength, `header values must be at most ${headerLimits.valueMaxLength} characters`)
      .regex(FIELD_VALUE, 'header values must not contain line breaks or other control characters'),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > headerLimits.max) ctx.addIssue({ code: 'custom', message: `must hold at most ${headerLimits.max} headers`, input: headers });
    let bytes = 0;
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      bytes += name.length + headers[name]!.length;
      if (!TOKEN.test(name) || name.length > headerLimits.nameMaxLength) {
        ctx.addIssue({ code: 'custom', message: `header names must be HTTP tokens (letters, digits and !#$%&'*+.^_\`|~-) of at most ${headerLimits.nameMaxLength} characters`, path: [name], input: name });
        continue;
      }
      const refused = REFUSED_HEADERS[lower];
      if (refused) ctx.addIssue({ code: 'custom', message: `"${name}" cannot be set: it ${refused}`, path: [name], input: name });
      if (seen.has(lower)) ctx.addIssue({ code: 'custom', message: `"${name}" is given twice (header names are case-insensitive)`, path: [name], input: name });
      seen.add(lower);
    }
    if (bytes > headerLimits.totalMaxBytes) ctx.addIssue({ code: 'custom', message: `names and values must total at most ${headerLimits.totalMaxBytes} bytes`, input: headers });
  })
  .describe('Extra request headers. Sent with the page request and, in browser mode, with the page\'s other requests to the same origin. Hop-by-hop headers, Host, Content-Length and Cookie are refused.')
  .meta({ example: { 'Accept-Language': 'de-DE', 'X-Api-Key': 'abc123' } });

export const cookieSchema = z.strictObject({
  name: z.string().min(1).max(cookieLimits.nameMaxLength).regex(TOKEN, 'must be a cookie name (an HTTP token)'),
  value: z.string().max(cookieLimits.valueMaxLength).regex(/^("?)[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*\1$/, 'must be cookie octets: no spaces, quotes, commas, semicolons or backslashes'),
  /** Defaults to the URL's host (a host-only cookie). */
  domain: z.string().min(1).max(253).regex(/^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/, 'must be a host name, e.g. example.com or .example.com').optional(),
  path: z.string().min(1).max(1024).regex(/^\/[\x21-\x3a\x3c-\x7e]*$/, 'must start with "/" and hold no spaces or semicolons').optional(),
  secure: z.boolean().optional(),
  httpOnly: z.boolean().optional(),
}).describe('A cookie sent with the request (and set in the browser page before it loads)');
export type RequestCookie = z.infer<typeof cookieSchema>;

export const requestMethodSchema = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
  .describe('HTTP method of the page request. POST in browser mode goes through request interception: the first navigation is sent with this method and body.');
export type RequestMethod = z.infer<typeof requestMethodSchema>;

/** A form field: one value, or several for a repeated name. */
const formValue = z.union([z.string().max(LIMITS.requestBodyMaxBytes), z.array(z.string().max(LIMITS.requestBodyMaxBytes)).max(100)]);

/** One object form with both keys optional (a union of two objects would report the wrong branch's issues). */
const structuredBody = z.strictObject({
  // Any JSON value: the request arrived as JSON, so it is one (z.json() is recursive, which the OpenAPI generator cannot walk).
  json: z.unknown().optional().describe('Sent as JSON (Content-Type application/json)'),
  form: z.record(z.string().min(1).max(256), formValue).optional().describe('Sent URL-encoded (Content-Type application/x-www-form-urlencoded)'),
})
  .refine((body) => (body.json !== undefined) !== (body.form !== undefined), 'must hold exactly one of json and form');

export const requestBodySchema = z.union([
  z.string().max(LIMITS.requestBodyMaxBytes).describe('Sent as it is (Content-Type text/plain unless headers set one)'),
  structuredBody,
], { error: 'must be a string, {"json": <any JSON>} or {"form": {"field": "value"}}' })
  .describe('Request body: a string, {"json": …} or {"form": {…}}; needs a method other than GET')
  .meta({ example: { json: { query: 'shoes', page: 2 } } });
export type RequestBody = z.infer<typeof requestBodySchema>;

/** A BCP 47 language tag such as `en`, `de-DE` or `zh-Hant-TW`. */
export const localeSchema = z.string().max(35).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en", "de-DE" or "pt-BR"')
  .describe('Language of the request: sets Accept-Language, and in browser mode navigator.language and the page\'s Intl locale')
  .meta({ example: 'de-DE' });

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timezoneSchema = z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as "Europe/Berlin" or "UTC"')
  .describe('Browser mode: the page\'s time zone (Date, Intl)')
  .meta({ example: 'America/New_York' });

export const deviceSchema = z.enum(['desktop', 'mobile'])
  .describe('desktop (1280×800) or mobile (390×844 at 3×, touch, a mobile Chrome user agent). In http mode only the user agent changes.');
export type Device = z.infer<typeof deviceSchema>;

/** Resource types a browser page may skip (Chromium's names; the document itself never). */
export const BLOCKABLE_RESOURCES = [
  'image', 'media', 'font', 'stylesheet', 'script', 'xhr', 'fetch', 'websocket', 'eventsource', 'manifest', 'texttrack', 'ping', 'prefetch', 'other',
] as const;
export const DEFAULT_BLOCKED_RESOURCES: readonly BlockableResource[] = ['image', 'font', 'media', 'stylesheet'];
export type BlockableResource = (typeof BLOCKABLE_RESOURCES)[number];

export const blockResourcesSchema = z.array(z.enum(BLOCKABLE_RESOURCES)).max(BLOCKABLE_RESOURCES.length)
  .describe('Browser mode: resource types the page does not load. Default ["image", "font", "media", "stylesheet"]; [] loads everything.')
  .meta({ example: ['image', 'font'] });

export const requestOptionsShape = {
  method: requestMethodSchema.optional(),
  body: requestBodySchema.optional(),
  headers: requestHeadersSchema.optional(),
  cookies: z.array(cookieSchema).max(cookieLimits.max, `must hold at most ${cookieLimits.max} cookies`).optional()
    .meta({ example: [{ name: 'session', value: 'abc123', path: '/' }] }),
  userAgent: z.string().trim().min(1).max(LIMITS.userAgentMaxLength).regex(/^[\x20-\x7e]+$/, 'must be printable ASCII')
    .describe('User-Agent of the request (browser mode: of every request the page makes, and navigator.userAgent)').optional(),
  locale: localeSchema.optional(),
  timezone: timezoneSchema.optional(),
  device: deviceSchema.optional(),
  blockResources: blockResourcesSchema.optional(),
};

/** The body as sent: bytes (UTF-8 text) and the Content-Type it implies. */
export interface EncodedBody {
  text: string;
  contentType: string;
}

export function encodeRequestBody(body: RequestBody): EncodedBody {
  if (typeof body === 'string') return { text: body, contentType: 'text/plain;charset=UTF-8' };
  if (body.json !== undefined) return { text: JSON.stringify(body.json), contentType: 'application/json' };
  if (body.form === undefined) throw new TypeError('a body holds json or form');
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body.form)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(name, item);
  }
  return { text: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}

interface RequestFields {
  mode?: JobMode;
  method?: RequestMethod | undefined;
  body?: RequestBody | undefined;
  headers?: Record<string, string> | undefined;
  userAgent?: string | undefined;
  locale?: string | undefined;
  timezone?: string | undefined;
  blockResources?: readonly string[] | undefined;
}

function headerNamed(headers: Record<string, string> | undefined, name: string): string | undefined {
  return Object.keys(headers ?? {}).find((key) => key.toLowerCase() === name);
}

export const checkRequestOptions: ScrapeOptionsCheck<RequestFields> = (options, ctx) => {
  const method = options.method ?? 'GET';
  if (options.body !== undefined) {
    if (method === 'GET') {
      ctx.addIssue({ code: 'custom', message: 'body needs a method that sends one: set "method": "POST" (or PUT, PATCH, DELETE)', path: ['body'], input: options.body });
    } else {
      // The checks also run on a body that failed its own schema (it then has an issue already).
      let bytes = 0;
      try {
        bytes = new TextEncoder().encode(encodeRequestBody(options.body).text).length;
      } catch { /* not a body shape: reported by the body schema */ }
      if (bytes > LIMITS.requestBodyMaxBytes) {
        ctx.addIssue({ code: 'custom', message: `is ${bytes} bytes once encoded: at most ${LIMITS.requestBodyMaxBytes}`, path: ['body'], input: options.body });
      }
    }
  }
  // One place for each: a second, different value would leave which one wins to chance.
  const pairs = [['userAgent', 'user-agent'], ['locale', 'accept-language']] as const;
  for (const [field, header] of pairs) {
    const given = headerNamed(options.headers, header);
    if (options[field] !== undefined && given !== undefined) {
      ctx.addIssue({ code: 'custom', message: `set either ${field} or the ${given} header, not both`, path: ['headers', given], input: options.headers![given] });
    }
  }
  if (options.mode !== 'browser') {
    for (const field of ['timezone', 'blockResources'] as const) {
      if (options[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `${field} needs mode "browser": a plain HTTP fetch ${field === 'timezone' ? 'runs no script that could read a time zone' : 'loads no subresources to skip'}`,
          path: [field], input: options[field],
        });
      }
    }
  }
};

