/**
 * What the domain limiter costs in Redis (Upstash bills every command a script runs) and that
 * every key it writes for a domain expires, so idle domains vanish.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { domainKeys } from '../../shared/domain-keys.ts';
import { createDomainLimiter, type DomainLimiterOptions } from '../../worker/src/politeness/index.ts';
import { readRedisCounters, diffRedisCounters } from '../../bench/measure/redis-counters.ts';
import { startRedisFixture, type RedisFixture } from './redis-fixture.ts';

let fixture: RedisFixture;
beforeAll(async () => { fixture = await startRedisFixture('limiter-cost'); });
afterEach(async () => { await fixture.cleanup(); });
afterAll(async () => { await fixture?.stop(); });

const DOMAIN = '127.0.0.2:8080';

function setup(options: Partial<DomainLimiterOptions>) {
  const prefix = fixture.prefix();
  return { limiter: createDomainLimiter({ redis: fixture.redis, prefix, ...options }), keys: domainKeys(prefix, DOMAIN) };
}

/** Commands the server ran (inside scripts included) while `action` ran. */
async function commandsDuring(action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await readRedisCounters(fixture.redis);
  await action();
  return diffRedisCounters(before, await readRedisCounters(fixture.redis)).byCommand;
}
const total = (calls: Record<string, number>) => Object.values(calls).reduce((sum, count) => sum + count, 0);

describe('domain limiter: Redis cost', () => {
  it('grants on an uncapped domain in one EVALSHA of at most 9 commands, 8 on a first start', async () => {
    const { limiter } = setup({ defaults: { rates: [{ max: 100_000, perMs: 1000 }], concurrency: 0 } });
    await limiter.acquire(DOMAIN, 'warm-up'); // loads the script (EVAL once)
    for (let i = 0; i < 20; i++) {
      const returning = await commandsDuring(() => limiter.acquire(DOMAIN, `r${i}`));
      expect(returning.evalsha).toBe(1);
      expect(returning.zscore).toBe(1); // looks for a reservation it might hold
      expect(total(returning)).toBeLessThanOrEqual(10); // + the trim on ~1 call in 8
      const fresh = await commandsDuring(() => limiter.acquire(DOMAIN, `f${i}`, { firstStart: true }));
      expect(fresh.zscore).toBeUndefined();
      expect(fresh.pttl).toBeUndefined(); // TTLs are set, never read
      expect(fresh.hincrby).toBeUndefined(); // no counter: entries are named by time and job id
      expect(total(fresh)).toBeLessThanOrEqual(9);
    }
  });

  it('still finds the reservation of a job that slept to its slot on a first start', async () => {
    // First call of a fresh job on a capped domain with a busy slot: a hold reply (a reservation
    // now exists), so the claim after the sleep must look for it.
    const { limiter, keys } = setup({ defaults: { rates: [{ max: 1, perMs: 100 }], concurrency: 2 }, inProcessWaitMs: 200 });
    expect((await limiter.acquire(DOMAIN, 'a', { firstStart: true })).granted).toBe(true);
    const started = Date.now();
    const second = await limiter.acquire(DOMAIN, 'b', { firstStart: true });
    expect(second.granted).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95); // slept to its slot, then claimed it
    expect(await fixture.redis.zscore(keys.log, 'r:b')).toBeNull(); // claimed, not left behind
    const members = await fixture.redis.zrange(keys.log, 0, -1);
    expect(members.filter((member) => member.endsWith(':b'))).toHaveLength(1); // its one grant
  });
});

describe('domain limiter: expiry', () => {
  it('gives every key it writes a TTL; an override set through the API stays', async () => {
    const { limiter, keys } = setup({ defaults: { rates: [{ max: 1, perMs: 1000 }], concurrency: 1 }, leaseTtlMs: 60_000 });
    await limiter.setLimits(DOMAIN, { rates: [{ max: 1, perMs: 1000 }], concurrency: 1 });
    const granted = await limiter.acquire(DOMAIN, 'a', { firstStart: true });
    expect((await limiter.acquire(DOMAIN, 'b', { firstStart: true })).granted).toBe(false); // reserves a slot
    if (granted.granted) await granted.release();
    await limiter.cooldown(DOMAIN, Date.now() + 10_000);
    const ttl = async (key: string) => fixture.redis.pttl(key);
    // log: last slot + longest span + 1 min; leases: lease TTL + 1 min; state: cooldown + 1 h.
    expect(await ttl(keys.log)).toBeGreaterThan(60_000);
    expect(await ttl(keys.log)).toBeLessThanOrEqual(1000 + 1050 + 60_000 + 100);
    expect(await ttl(keys.leases)).toBe(-2); // its only lease was released: the zset is gone
    expect(await ttl(keys.state)).toBeGreaterThan(3_600_000);
    expect(await ttl(keys.limits)).toBe(-1);
  });

  it('gives the state hash a TTL from a lease release alone (no cooldown)', async () => {
    const { limiter, keys } = setup({ defaults: { rates: [{ max: 10, perMs: 1000 }], concurrency: 1 }, cooldownKeepMs: 120_000 });
    const granted = await limiter.acquire(DOMAIN, 'a');
    expect(await fixture.redis.pttl(keys.leases)).toBeGreaterThan(60_000);
    if (granted.granted) await granted.release();
    expect(await fixture.redis.hget(keys.state, 'holdMs')).not.toBeNull();
    const ttl = await fixture.redis.pttl(keys.state);
    expect(ttl).toBeGreaterThan(110_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });
});
