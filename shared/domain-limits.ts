/**
 * @module shared/domain-limits
 * Per-domain politeness limits: the zod schema the edge validates `PUT /v1/domains/:host/limits`
 * with, and the encoding stored in Redis (read by the `domain-acquire` Lua script).
 *
 * Stored form: a hash `<prefix>:domain:<domain>:limits` with fields `rates` (`"5/1000,100/60000"`,
 * i.e. `max/perMs` pairs) and `concurrency`. A plain text list rather than JSON so the script
 * needs no cjson (not verified on every Redis-compatible service) and stays cheap to parse.
 */
import { z } from 'zod';
import { decodeDomainProxy, domainProxySchema, encodeProxyChoice, type DomainProxy } from './scrape-options/proxy-options.ts';

/** Longest window: one week. Longer windows would keep that long a log per domain. */
export const MAX_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** Most grants one window may allow: the grant log of a domain holds up to this many entries. */
export const MAX_WINDOW_GRANTS = 100_000;

/** At most `max` requests in ANY sliding window of `perMs` milliseconds. */
export const rateWindowSchema = z.strictObject({
  /** Requests allowed per window. */
  max: z.int().min(1).max(MAX_WINDOW_GRANTS),
  /** Window length in milliseconds. */
  perMs: z.int().min(1).max(MAX_WINDOW_MS),
});
export type RateWindow = z.infer<typeof rateWindowSchema>;

/** Every window is enforced at once, e.g. 5/s AND 100/min AND 10,000/day. */
export const rateWindowsSchema = z.array(rateWindowSchema).max(8);

/** The body of `PUT /v1/domains/:host/limits`: what a domain overrides. */
export const domainLimitsSchema = z
  .strictObject({
    /** Replaces the default windows entirely (not merged) when present. */
    rates: rateWindowsSchema.min(1).optional(),
    /** Most requests in flight to the domain at once, fleet-wide. */
    concurrency: z.int().min(1).max(1000).optional(),
    /** Proxies for the domain's jobs that name none (stored as `proxy`: `none`, `auto`, `pool:<name>`). */
    proxy: domainProxySchema.optional(),
  })
  .refine((limits) => limits.rates !== undefined || limits.concurrency !== undefined || limits.proxy !== undefined, {
    message: 'set at least one of rates, concurrency, proxy',
  });
export type DomainLimits = z.infer<typeof domainLimitsSchema>;

/** Fleet-wide defaults for domains without an override: `concurrency: 0` means no cap. */
export const defaultDomainLimitsSchema = z.strictObject({
  rates: rateWindowsSchema,
  concurrency: z.int().min(0).max(1000),
});
export type DefaultDomainLimits = z.infer<typeof defaultDomainLimitsSchema>;

/** `[{max:5,perMs:1000},{max:100,perMs:60000}]` → `"5/1000,100/60000"`. */
export function encodeRates(rates: readonly RateWindow[]): string {
  return rates.map((rate) => `${rate.max}/${rate.perMs}`).join(',');
}

/** Inverse of `encodeRates`; malformed pairs are skipped, exactly as the Lua parser skips them. */
export function decodeRates(text: string): RateWindow[] {
  const rates: RateWindow[] = [];
  for (const match of text.matchAll(/(\d+)\/(\d+)/g)) {
    rates.push({ max: Number(match[1]), perMs: Number(match[2]) });
  }
  return rates;
}

/** The hash fields to `HSET` for an override (after `DEL`, so an omitted field falls back). */
export function domainLimitsToHash(limits: DomainLimits, now = Date.now()): Record<string, string> {
  const fields: Record<string, string> = { updatedAt: String(now) };
  if (limits.rates !== undefined) fields.rates = encodeRates(limits.rates);
  if (limits.concurrency !== undefined) fields.concurrency = String(limits.concurrency);
  if (limits.proxy !== undefined) fields.proxy = encodeProxyChoice(limits.proxy);
  return fields;
}

/** Reads an override back from `HGETALL`; undefined when the domain has none. */
export function domainLimitsFromHash(hash: Record<string, string>): DomainLimits | undefined {
  const limits: { rates?: RateWindow[]; concurrency?: number; proxy?: DomainProxy } = {};
  if (hash.rates !== undefined) limits.rates = decodeRates(hash.rates);
  if (hash.concurrency !== undefined) limits.concurrency = Number(hash.concurrency);
  const proxy = decodeDomainProxy(hash.proxy);
  if (proxy !== undefined) limits.proxy = proxy;
  return limits.rates === undefined && limits.concurrency === undefined && limits.proxy === undefined ? undefined : limits;
}

/** Lowest long-run rate (requests per second) the windows allow; Infinity without windows. */
export function sustainedRatePerSecond(rates: readonly RateWindow[]): number {
  return rates.reduce((lowest, rate) => Math.min(lowest, (rate.max * 1000) / rate.perMs), Infinity);
}
