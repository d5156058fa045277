import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDomainLimiter, type AcquireDenied, type AcquireResult } from '../../worker/src/politeness/index.ts';
import { domainKeys } from '../../shared/domain-keys.ts';
import { startRedisFixture, type RedisFixture } from './redis-fixture.ts';

let fixture: RedisFixture;
beforeAll(async () => { fixture = await startRedisFixture('reservations'); });
afterEach(async () => { await fixture.cleanup(); });
afterAll(async () => { await fixture?.stop(); });

const DOMAIN = 'example.test';
// 1 per 200 ms: with the 3 % margin and 20 ms grace, slots are 226 ms apart.
const SPAN = 226;
function setup() {
  const prefix = fixture.prefix();
  const limiter = createDomainLimiter({ redis: fixture.redis, prefix, defaults: { rates: [{ max: 1, perMs: 200 }], concurrency: 0 } });
  return { limiter, keys: domainKeys(prefix, DOMAIN) };
}
function denied(result: AcquireResult): AcquireDenied {
  if (result.granted) throw new Error('expected DENIED');
  return result;
}
/** Waits (a timer: the queue's delay is the system under test) until `delayMs` from now. */
const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe('domain limiter: slot reservation', () => {
  it('gives each denied job its own future slot, spaced at the rate, and lets it claim it', async () => {
    const { limiter } = setup();
    expect((await limiter.acquire(DOMAIN, 'a')).granted).toBe(true);
    const b = denied(await limiter.acquire(DOMAIN, 'b'));
    const c = denied(await limiter.acquire(DOMAIN, 'c'));
    const d = denied(await limiter.acquire(DOMAIN, 'd'));
    expect(c.eligibleAt - b.eligibleAt).toBe(SPAN);
    expect(d.eligibleAt - c.eligibleAt).toBe(SPAN);
    expect(b.retryAt).toBeLessThan(Date.now() + b.delayMs); // aims 50 ms early on purpose

    // Returning early keeps the slot instead of taking a new one.
    expect(denied(await limiter.acquire(DOMAIN, 'c')).eligibleAt).toBe(c.eligibleAt);
    expect((await limiter.usage(DOMAIN)).reservedAhead).toBe(3);

    // Returning at retryAt (inside the in-process window) is granted at exactly its slot.
    await after(b.retryAt - Date.now());
    const granted = await limiter.acquire(DOMAIN, 'b');
    expect(granted).toMatchObject({ granted: true, grantedAt: b.eligibleAt });
    // A new job queues behind every reservation, not in front.
    expect(denied(await limiter.acquire(DOMAIN, 'e')).eligibleAt).toBe(d.eligibleAt + SPAN);
  });

  it('gives up a slot claimed later than the grace and queues the job again at the tail', async () => {
    const { limiter } = setup();
    await limiter.acquire(DOMAIN, 'a');
    const b = denied(await limiter.acquire(DOMAIN, 'b'));
    const c = denied(await limiter.acquire(DOMAIN, 'c'));
    await after(b.eligibleAt - Date.now() + 60); // 60 ms late, grace is 20
    const late = denied(await limiter.acquire(DOMAIN, 'b'));
    expect(late.eligibleAt).toBe(c.eligibleAt + SPAN);
  });

  it('expires the reservation of a job that never comes back', async () => {
    const { limiter, keys } = setup();
    await limiter.acquire(DOMAIN, 'a');
    const ghost = denied(await limiter.acquire(DOMAIN, 'ghost'));
    expect(await fixture.redis.zscore(keys.log, 'r:ghost')).toBe(String(ghost.eligibleAt));
    // After its slot the ghost holds up the domain for at most one span…
    await after(ghost.eligibleAt + SPAN - Date.now() + 5);
    expect((await limiter.acquire(DOMAIN, 'next')).granted).toBe(true);
    // …and is purged once older than the longest span, by the trim that runs on about one
    // acquire in 8 (Redis's microsecond clock decides): 300 acquires miss it with p ≈ 4e-18.
    await after(SPAN + 5);
    let calls = 0;
    while (calls < 300 && (await fixture.redis.zscore(keys.log, 'r:ghost')) !== null) {
      await limiter.acquire(DOMAIN, `later-${calls}`);
      calls += 1;
    }
    expect(await fixture.redis.zscore(keys.log, 'r:ghost')).toBeNull();
    expect(calls).toBeGreaterThan(0);
  });

  it('cancel drops a reservation; a cooldown pushes reservations behind it', async () => {
    const { limiter } = setup();
    await limiter.acquire(DOMAIN, 'a');
    const b = denied(await limiter.acquire(DOMAIN, 'b'));
    expect(await limiter.cancel(DOMAIN, 'b')).toBe(true);
    expect(await limiter.cancel(DOMAIN, 'b')).toBe(false);
    const cooldownUntil = await limiter.cooldown(DOMAIN, b.eligibleAt + 1000);
    const c = denied(await limiter.acquire(DOMAIN, 'c'));
    expect(c).toMatchObject({ reason: 'cooldown', eligibleAt: cooldownUntil });
    const d = denied(await limiter.acquire(DOMAIN, 'd'));
    expect(d.eligibleAt).toBe(cooldownUntil + SPAN); // no thundering herd when it ends
  });
});
