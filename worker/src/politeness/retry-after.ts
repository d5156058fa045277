/**
 * @module worker/src/politeness/retry-after
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3) into the epoch ms a domain's cooldown
 * should last until.
 */

export interface RetryAfterOptions {
  /** Longest cooldown a site can impose, ms (a hostile or buggy header must not park a domain for days). */
  maxMs?: number;
}

export const RETRY_AFTER_DEFAULTS = { maxMs: 3_600_000 } satisfies Required<RetryAfterOptions>;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, what servers must send). */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} gmt$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850; recipients must accept it). */
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} gmt$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete asctime, always UTC). */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} (\\d{1,2}) ${TIME} (\\d{4})$`);

function utc(year: number, month: string, day: number, hh: number, mm: number, ss: number): number | undefined {
  const monthIndex = MONTHS.indexOf(month);
  const ms = Date.UTC(year, monthIndex, day, hh, mm, ss);
  const date = new Date(ms);
  // Date.UTC rolls "Feb 30" over into March: a date that does not round-trip is not a date.
  if (date.getUTCDate() !== day || date.getUTCMonth() !== monthIndex || hh > 23 || mm > 59 || ss > 60) return undefined;
  return ms;
}

/** An HTTP-date in any of the three formats RFC 9110 requires recipients to accept. */
export function parseHttpDate(value: string, now: number): number | undefined {
  // Lenient on case and runs of spaces (asctime pads the day with one): both are common in the wild.
  const text = value.trim().replace(/\s+/g, ' ').toLowerCase();
  let match = IMF_FIXDATE.exec(text);
  if (match) return utc(Number(match[3]), match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  match = RFC_850.exec(text);
  if (match) {
    // Two-digit year: RFC 9110 says pick the century that puts it at most 50 years ahead of now.
    const currentYear = new Date(now).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(match[3]);
    if (year > currentYear + 50) year -= 100;
    return utc(year, match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  }
  match = ASCTIME.exec(text);
  if (match) return utc(Number(match[6]), match[1]!, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]));
  return undefined;
}

/**
 * Epoch ms until which to hold off, from a `Retry-After` value: delay-seconds or an HTTP-date.
 * Past dates give `now`; the result is clamped to `now + maxMs`. Undefined when the header is
 * absent or unparseable (the caller then applies its own default cooldown for a 429/503).
 */
export function parseRetryAfter(value: string | null | undefined, now: number, options: RetryAfterOptions = {}): number | undefined {
  const { maxMs } = { ...RETRY_AFTER_DEFAULTS, ...options };
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let until: number | undefined;
  if (/^\d+$/.test(text)) {
    // Number() of a huge digit string is a big float or Infinity: the clamp below handles both.
    until = now + Number(text) * 1000;
  } else {
    until = parseHttpDate(text, now);
  }
  if (until === undefined || Number.isNaN(until)) return undefined;
  return Math.min(Math.max(until, now), now + maxMs);
}
