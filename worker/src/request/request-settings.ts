/**
 * @module worker/request/request-settings
 * A job's request options (shared/scrape-options/request-options.ts) turned into what the
 * loaders send: method and encoded body, the header set (user agent and Accept-Language
 * resolved from `userAgent`, `device` and `locale`), the cookies, and for the browser the
 * emulation (viewport, touch, locale, time zone) and the resource types to skip. Pure.
 */
import {
  DEFAULT_BLOCKED_RESOURCES, encodeRequestBody, type RequestCookie, type RequestMethod,
} from '../../../shared/scrape-options/index.ts';
import type { JobRequest } from '../../../shared/job-schema.ts';
import { DEVICES, type DeviceProfile } from './devices.ts';

export interface RequestSettings {
  method: RequestMethod;
  /** Encoded body and its Content-Type (used unless `headers` name one). */
  body: { text: string; contentType: string } | undefined;
  /** The caller's headers, names as sent. Neither User-Agent nor Accept-Language: see below. */
  headers: Readonly<Record<string, string>>;
  /** Job's `userAgent`, else the device's, else undefined (the worker's own). */
  userAgent: string | undefined;
  /** `Accept-Language` for `locale`, e.g. `de-DE,de;q=0.9`, or the caller's header. */
  acceptLanguage: string | undefined;
  locale: string | undefined;
  timezone: string | undefined;
  /** Undefined when the job names no device (the browser keeps its default window). */
  device: DeviceProfile | undefined;
  cookies: readonly RequestCookie[];
  blockResources: ReadonlySet<string>;
}

/** `de-DE` → `de-DE,de;q=0.9`; `en` → `en`. */
export function acceptLanguageFor(locale: string): string {
  const base = locale.split('-')[0]!;
  return base.toLowerCase() === locale.toLowerCase() ? locale : `${locale},${base};q=0.9`;
}

function pickHeader(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  if (key === undefined) return undefined;
  const value = headers[key];
  delete headers[key];
  return value;
}

const DEFAULT_BLOCKED = new Set<string>(DEFAULT_BLOCKED_RESOURCES);

export function requestSettings(options: JobRequest): RequestSettings {
  const headers = { ...options.headers };
  const userAgentHeader = pickHeader(headers, 'user-agent');
  const acceptLanguageHeader = pickHeader(headers, 'accept-language');
  const device = options.device ? DEVICES[options.device] : undefined;
  return {
    method: options.method ?? 'GET',
    body: options.body !== undefined ? encodeRequestBody(options.body) : undefined,
    headers,
    userAgent: options.userAgent ?? userAgentHeader ?? device?.userAgent,
    acceptLanguage: options.locale ? acceptLanguageFor(options.locale) : acceptLanguageHeader,
    locale: options.locale,
    timezone: options.timezone,
    device,
    cookies: options.cookies ?? [],
    blockResources: options.blockResources ? new Set(options.blockResources) : DEFAULT_BLOCKED,
  };
}

/** True when the job asks for nothing but a plain GET with the worker's defaults (the fast path). */
export function isPlainRequest(settings: RequestSettings): boolean {
  return settings.method === 'GET' && settings.body === undefined && Object.keys(settings.headers).length === 0
    && settings.userAgent === undefined && settings.acceptLanguage === undefined && settings.cookies.length === 0;
}
