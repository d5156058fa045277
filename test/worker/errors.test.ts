/**
 * @module test/worker/errors
 * The error classes are the retry policy: each class maps to one BullMQ outcome.
 */
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  BrowserCrashedError, BrowserUnavailableError, CriticalError, FetchFailedError, FetchTimeoutError, InvalidJobError,
  NavigationBlockedError, PermanentHttpStatusError, ResponseTooLargeError, RetryLaterError, TooManyRedirectsError,
  TransientHttpStatusError, asNonRetryable, httpStatusError, isHttpStatusError, parseRetryAfter, retryDecision,
} from '../../worker/src/errors/index.ts';

describe('retry policy by class', () => {
  it.each([
    ['fail', new InvalidJobError(['request.url: bad'])],
    ['fail', new PermanentHttpStatusError(404)],
    ['fail', new ResponseTooLargeError(1024)],
    ['fail', new TooManyRedirectsError(5)],
    ['fail', new NavigationBlockedError()],
    ['retry', new TransientHttpStatusError(503)],
    ['retry', new FetchTimeoutError(1000)],
    ['retry', new FetchFailedError('ECONNRESET', undefined)],
    ['retry', new BrowserCrashedError()],
    ['retry', new Error('something unforeseen')],
    ['retry-later', new RetryLaterError('cooling down', 250)],
    ['critical', new BrowserUnavailableError()],
    ['critical', new CriticalError('broken install')],
  ] as const)('%s: %s', (decision, error) => {
    expect(retryDecision(error)).toBe(decision);
    // BullMQ itself fails a job at once exactly for UnrecoverableError.
    expect(error instanceof UnrecoverableError).toBe(decision === 'fail');
  });

  it('treats errors marked retryable: false (or caused by one) as final, wrapped for BullMQ', () => {
    const refusal = Object.assign(new Error('Refused: 10.0.0.1 is a forbidden address'), { name: 'ForbiddenAddressError', retryable: false });
    expect(retryDecision(refusal)).toBe('fail');
    expect(retryDecision(new TypeError('fetch failed', { cause: refusal }))).toBe('fail');
    const wrapped = asNonRetryable(refusal);
    expect(wrapped).toBeInstanceOf(UnrecoverableError);
    expect([wrapped.name, wrapped.message, wrapped.cause]).toEqual(['ForbiddenAddressError', refusal.message, refusal]);
  });

  it('classifies HTTP statuses: 4xx final except 408, 425, 429', () => {
    for (const status of [400, 401, 403, 404, 410, 451]) expect(httpStatusError(status)).toBeInstanceOf(PermanentHttpStatusError);
    for (const status of [408, 425, 429, 500, 502, 503, 504]) expect(httpStatusError(status)).toBeInstanceOf(TransientHttpStatusError);
    expect(isHttpStatusError(httpStatusError(418))).toBe(true);
    expect(httpStatusError(429, 3000)).toMatchObject({ status: 429, retryAfterMs: 3000 });
  });

  it('names errors after their class and keeps messages fixed', () => {
    const error = new PermanentHttpStatusError(410);
    expect(error.name).toBe('PermanentHttpStatusError');
    expect(error.message).toBe('Target answered HTTP 410');
    expect(new RetryLaterError('x', 12.2).retryAfterMs).toBe(13);
  });

  it('reads Retry-After as seconds or a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
