/**
 * @module test/worker/abortable
 * Waiting for a promise that cannot be cancelled: until a signal aborts, a deadline passes, or
 * it settles — the promise itself runs on either way.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { raceAbort, settledWithin, withTimeout } from '../../worker/src/abortable.ts';

const never = () => new Promise<never>(() => undefined);
class Late extends Error {}

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => { vi.useRealTimers(); });

describe('raceAbort', () => {
  it('settles like the promise, or rejects with onAbort() when the signal aborts', async () => {
    await expect(raceAbort(Promise.resolve(1), new AbortController().signal, () => new Late())).resolves.toBe(1);
    const controller = new AbortController();
    const waiting = raceAbort(never(), controller.signal, () => new Late());
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(Late);
    await expect(raceAbort(never(), AbortSignal.abort(), () => new Late())).rejects.toBeInstanceOf(Late);
  });
});

describe('withTimeout', () => {
  it('settles like the promise in time, else rejects with onTimeout() at the deadline', async () => {
    await expect(withTimeout(Promise.resolve('ok'), 100, () => new Late())).resolves.toBe('ok');
    await expect(withTimeout(Promise.reject(new TypeError('own')), 100, () => new Late())).rejects.toBeInstanceOf(TypeError);
    const waiting = withTimeout(never(), 100, () => new Late());
    const outcome = expect(waiting).rejects.toBeInstanceOf(Late);
    await vi.advanceTimersByTimeAsync(99);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('settledWithin', () => {
  it('is true once the promise settles either way, false when time runs out first', async () => {
    expect(await settledWithin(Promise.resolve(), 100)).toBe(true);
    expect(await settledWithin(Promise.reject(new Error('failed')), 100)).toBe(true);
    const waiting = settledWithin(never(), 100);
    await vi.advanceTimersByTimeAsync(100);
    expect(await waiting).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
