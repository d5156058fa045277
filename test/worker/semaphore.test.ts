/**
 * @module test/worker/semaphore
 * The page cap: FIFO hand-over, idempotent release, abortable waits.
 */
import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../worker/src/browser/semaphore.ts';

describe('Semaphore', () => {
  it('caps holders and hands slots over in order', async () => {
    const semaphore = new Semaphore(2);
    const a = await semaphore.acquire();
    await semaphore.acquire();
    const order: string[] = [];
    const c = semaphore.acquire().then((release) => (order.push('c'), release));
    const d = semaphore.acquire().then((release) => (order.push('d'), release));
    expect([semaphore.active, semaphore.waiting]).toEqual([2, 2]);
    a();
    a(); // a second release of the same slot is ignored
    (await c)();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect([semaphore.active, semaphore.waiting]).toEqual([2, 0]);
  });

  it('drops an aborted waiter without taking a slot', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    release();
    expect(semaphore.active).toBe(0);
  });
});
