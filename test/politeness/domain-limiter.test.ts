import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { createDomainLimiter, type DomainLimiterOptions } from '../../worker/src/politeness/index.ts';
import { startRedisFixture, type RedisFixture } from './redis-fixture.ts';
import { runSimulatedQueue } from './simulated-queue.ts';
import { windowViolations } from './window-check.ts';

let fixture: RedisFixture;
beforeAll(async () => { fixture = await startRedisFixture('limiter'); });
afterEach(async () => { await fixture.cleanup(); });
afterAll(async () => { await fixture?.stop(); });

const limiterWith = (options: Partial<DomainLimiterOptions>) =>
  createDomainLimiter({ redis: fixture.redis, prefix: fixture.prefix(), ...options });
const DOMAIN = '127.0.0.2:8080';

describe('domain limiter: windows', () => {
  it('enforces several sliding windows at once, with bursts, across many concurrent callers', async () => {
    const windows = [{ max: 20, perMs: 1000 }, { max: 3, perMs: 200 }];
    const limiter = limiterWith({ defaults: { rates: windows, concurrency: 0 } });
    const jobs = Array.from({ length: 28 }, (_, index) => ({ id: `job-${index}`, domain: DOMAIN }));
    const run = await runSimulatedQueue({ limiter, jobs, concurrency: 12, lateness: () => Math.random() * 8 });

    const times = run.grants.map((grant) => grant.grantedAt);
    expect(times).toHaveLength(28);
    for (const window of windows) expect(windowViolations(times, window)).toEqual([]);
    const sorted = [...times].sort((a, b) => a - b);
    // A sliding window (not pure spacing): the first three go out together.
    expect(sorted[2]! - sorted[0]!).toBeLessThan(50);
    // 3 per 200 ms binds: 28 grants need at least 9 full windows.
    expect(sorted[27]! - sorted[0]!).toBeGreaterThanOrEqual(9 * 200);
    expect(sorted[27]! - sorted[0]!).toBeLessThan(9 * 200 * 1.25);
  });

  it('reads a per-domain override in the acquire script itself', async () => {
    const limiter = limiterWith({ defaults: { rates: [{ max: 100, perMs: 1000 }], concurrency: 0 } });
    await limiter.setLimits(DOMAIN, { rates: [{ max: 1, perMs: 60_000 }] });
    expect(await limiter.getLimits(DOMAIN)).toEqual({ rates: [{ max: 1, perMs: 60_000 }] });
    expect((await limiter.acquire(DOMAIN, 'a')).granted).toBe(true);
    const denied = await limiter.acquire(DOMAIN, 'b');
    expect(denied).toMatchObject({ granted: false, reason: 'rate' });
    expect(denied.granted ? 0 : denied.delayMs).toBeGreaterThan(59_000);
    expect((await limiter.acquire('other.example', 'c')).granted).toBe(true); // defaults elsewhere
    await limiter.setLimits(DOMAIN, null);
    expect(await limiter.getLimits(DOMAIN)).toBeUndefined();
    await expect(limiter.setLimits(DOMAIN, { rates: [] })).rejects.toThrow(/Invalid limits/);
  });

  it('folds a Crawl-delay in as a minimum spacing', async () => {
    const limiter = limiterWith({ defaults: { rates: [{ max: 50, perMs: 1000 }], concurrency: 0 }, inProcessWaitMs: 0, returnEarlyMs: 0 });
    expect((await limiter.acquire(DOMAIN, 'a', { minIntervalMs: 500 })).granted).toBe(true);
    const denied = await limiter.acquire(DOMAIN, 'b', { minIntervalMs: 500 });
    expect(denied.granted).toBe(false);
    if (!denied.granted) expect(denied.delayMs).toBeGreaterThanOrEqual(500);
  });
});

describe('domain limiter: concurrency leases', () => {
  it('caps in-flight grants and frees a slot on release', async () => {
    const limiter = limiterWith({ defaults: { rates: [{ max: 1000, perMs: 1000 }], concurrency: 2 } });
    const first = await limiter.acquire(DOMAIN, 'a');
    const second = await limiter.acquire(DOMAIN, 'b');
    expect([first.granted, second.granted]).toEqual([true, true]);
    const third = await limiter.acquire(DOMAIN, 'c');
    expect(third).toMatchObject({ granted: false, reason: 'concurrency' });
    expect((await limiter.usage(DOMAIN)).activeLeases).toBe(2);
    if (first.granted) expect(await first.release()).toBe(true);
    if (first.granted) expect(await first.release()).toBe(false);
    // The denied job comes back at its slot and finds the freed lease.
    await waitFor(async () => (await limiter.acquire(DOMAIN, 'c')).granted, { description: 'job c granted' });
    expect((await limiter.usage(DOMAIN)).activeLeases).toBe(2);
  });

  it('holds no lease while a job sleeps to its slot on a capped domain', async () => {
    const leasesDuringWait: number[] = [];
    const limiter = limiterWith({
      defaults: { rates: [{ max: 1, perMs: 50 }], concurrency: 1 }, inProcessWaitMs: 80, returnEarlyMs: 20,
      sleep: async (ms) => {
        leasesDuringWait.push((await limiter.usage(DOMAIN)).activeLeases);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    const first = await limiter.acquire(DOMAIN, 'a');
    expect(first.granted).toBe(true);
    if (first.granted) await first.release(); // done before b's slot: b must find the lease free
    const second = await limiter.acquire(DOMAIN, 'b'); // its slot is ~70 ms ahead: hold, sleep, claim
    expect(second.granted).toBe(true);
    // The old design leased at the decision and slept holding it; now the sleep holds none.
    expect(leasesDuringWait).toEqual([0]);
    if (second.granted) {
      expect(second.waitedMs).toBe(0); // the claim came at the slot, not before it
      expect(second.grantedAt - second.slotAt).toBeLessThanOrEqual(20);
    }
    expect((await limiter.usage(DOMAIN)).activeLeases).toBe(1);
  });

  it('waits a few ms for a lease at its slot instead of giving the slot up', async () => {
    const sleeps: number[] = [];
    let releaseFirst: (() => Promise<boolean>) | undefined;
    const limiter = limiterWith({
      // 150 ms: the first slot spacing on a capped domain is the 100 ms hold-time guess.
      defaults: { rates: [{ max: 1, perMs: 50 }], concurrency: 1 }, inProcessWaitMs: 150, returnEarlyMs: 20,
      sleep: async (ms) => {
        sleeps.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
        // The first job's request ends just after the second one's slot: its lease frees while
        // the second waits for it.
        if (ms <= 5) await releaseFirst?.();
      },
    });
    const first = await limiter.acquire(DOMAIN, 'a');
    if (!first.granted) throw new Error('first acquire denied');
    releaseFirst = first.release;
    const second = await limiter.acquire(DOMAIN, 'b');
    expect(second.granted).toBe(true); // claimed its own slot, within the grace
    if (second.granted) expect(second.grantedAt - second.slotAt).toBeLessThanOrEqual(20);
    expect(sleeps.filter((ms) => ms <= 5)).toEqual([5]); // one short wait for the lease, at its slot
  });

  it('recovers the lease of a worker that died without releasing', async () => {
    const limiter = limiterWith({ defaults: { rates: [{ max: 1000, perMs: 1000 }], concurrency: 1 }, leaseTtlMs: 1000 });
    const started = Date.now();
    expect((await limiter.acquire(DOMAIN, 'crashed')).granted).toBe(true); // never released
    expect(await limiter.acquire(DOMAIN, 'next')).toMatchObject({ granted: false, reason: 'concurrency' });
    await waitFor(async () => (await limiter.acquire(DOMAIN, 'next')).granted, { timeoutMs: 5000, description: 'lease expiry' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe('domain limiter: cooldown', () => {
  it('denies until the cooldown ends and never shortens a longer one', async () => {
    const limiter = limiterWith({ defaults: { rates: [{ max: 1000, perMs: 1000 }], concurrency: 0 } });
    const until = Date.now() + 400;
    const inForce = await limiter.cooldown(DOMAIN, until);
    expect(await limiter.cooldown(DOMAIN, until - 300)).toBe(inForce);
    const denied = await limiter.acquire(DOMAIN, 'a');
    expect(denied).toMatchObject({ granted: false, reason: 'cooldown', eligibleAt: inForce });
    expect((await limiter.usage(DOMAIN)).cooldownUntil).toBe(inForce);
    await waitFor(async () => (await limiter.acquire(DOMAIN, 'a')).granted, { description: 'cooldown over' });
    expect(Date.now()).toBeGreaterThanOrEqual(until - 5);
  });
});
