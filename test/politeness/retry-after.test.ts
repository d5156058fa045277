import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from '../../worker/src/politeness/retry-after.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0); // 2026-11-24T12:00:00Z

describe('parseRetryAfter', () => {
  it('reads delay-seconds relative to now', () => {
    expect(parseRetryAfter('120', NOW)).toBe(NOW + 120_000);
    expect(parseRetryAfter('  0 ', NOW)).toBe(NOW);
  });

  it('reads the three HTTP-date formats as UTC', () => {
    const expected = Date.UTC(2026, 10, 24, 12, 5, 30);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:05:30 GMT', NOW)).toBe(expected);
    expect(parseRetryAfter('Tuesday, 24-Nov-26 12:05:30 GMT', NOW)).toBe(expected);
    expect(parseRetryAfter('Tue Nov 24 12:05:30 2026', NOW)).toBe(expected);
    expect(parseRetryAfter('Tue Nov  3 12:05:30 2026', Date.UTC(2026, 10, 3, 12))).toBe(Date.UTC(2026, 10, 3, 12, 5, 30));
  });

  it('turns a date in the past into "now" (no cooldown)', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(NOW);
  });

  it('clamps to maxMs', () => {
    expect(parseRetryAfter('86400', NOW)).toBe(NOW + 3_600_000);
    expect(parseRetryAfter('99999999999999999999999', NOW, { maxMs: 60_000 })).toBe(NOW + 60_000);
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', NOW, { maxMs: 5_000 })).toBe(NOW + 5_000);
  });

  it('rejects garbage, negatives, fractions and impossible dates', () => {
    for (const value of [undefined, null, '', '   ', 'soon', '-5', '1.5', '12abc', 'Tue, 31 Feb 2026 12:00:00 GMT',
      'Tue, 24 Nov 2026 25:00:00 GMT', '2026-11-24T12:05:30Z', 'Tue, 24 Nov 2026 12:05:30 PST']) {
      expect(parseRetryAfter(value, NOW), String(value)).toBeUndefined();
    }
  });

  it('picks the century of an RFC 850 two-digit year within 50 years ahead', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Monday, 06-Nov-34 08:49:37 GMT', NOW)).toBe(Date.UTC(2034, 10, 6, 8, 49, 37));
  });
});
