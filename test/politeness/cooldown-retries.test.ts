/**
 * @module test/politeness/cooldown-retries
 * QUARRY_MAX_COOLDOWN_RETRIES counts only cooldown retries (429/503 with Retry-After): a job
 * deferred many times for its domain's concurrency cap still gets its free cooldown retries, and
 * a site that always answers 503 + Retry-After still spends the job's attempt after the limit.
 * Real in-process worker, redis-servers and loopback site; judged from the site's request log.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRedisCounters, diffRedisCounters } from '../../bench/measure/redis-counters.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { jobCooldownsKey } from '../../shared/domain-keys.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { TransientHttpStatusError } from '../../worker/src/errors/index.ts';
import { DomainCoolingDownError, createPolitenessGate } from '../../worker/src/politeness/index.ts';
import { createDomainLimiter } from '../../worker/src/politeness/index.ts';
import { HOST_A, HOST_B, startHarness, type Harness } from '../worker/harness.ts';

let h: Harness;
let broker: Redis;
beforeAll(async () => {
  h = await startHarness();
  broker = new Redis(h.broker.url);
});
afterAll(async () => {
  broker?.disconnect();
  await h?.close();
});

describe('cooldown retries', () => {
  it('one script call per cooldown counts the job\'s cooldown retries; past the limit the error spends an attempt', async () => {
    const limiter = createDomainLimiter({ redis: broker, prefix: h.prefix });
    const gate = createPolitenessGate({ limiter, defaultCooldownMs: 1000, maxCooldownRetries: 2 });
    const pass = await gate.enter('cooling', jobRequestSchema.parse({ url: 'http://127.0.0.2:9/x' }), true);
    await pass.release();
    const outcomes: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await readRedisCounters(broker);
      outcomes.push(await gate.onError(pass, new TransientHttpStatusError(429, 0)));
      const { byCommand } = diffRedisCounters(before, await readRedisCounters(broker));
      expect(byCommand.evalsha ?? byCommand.eval).toBe(1); // one round trip: the cooldown script itself
      expect(byCommand.incr).toBe(1);
    }
    expect(outcomes.map((outcome) => (outcome as Error).constructor.name)).toEqual(['DomainCoolingDownError', 'DomainCoolingDownError', 'TransientHttpStatusError']);
    expect(outcomes[0]).toBeInstanceOf(DomainCoolingDownError);
    const ttl = await broker.pttl(jobCooldownsKey(h.prefix, 'cooling'));
    expect(ttl).toBeGreaterThan(23 * 3_600_000);
    // Without a Retry-After nothing is counted (the retry spends an attempt anyway).
    await gate.onError(pass, new TransientHttpStatusError(503));
    expect(await broker.get(jobCooldownsKey(h.prefix, 'cooling'))).toBe('3');
  });

  it('throttle deferrals do not use up the cooldown retries', async () => {
    // Concurrency 1: while a slow request holds the lease, the next job is deferred every ~100 ms.
    const worker = await h.startWorker({ domainRates: '', domainConcurrency: 1, maxCooldownRetries: 2 });
    try {
      h.site.clearLog();
      const slow = await h.add({ url: h.site.url(HOST_A, '/slow?ms=2000') });
      // Wait until the slow request holds the lease, so the next job is throttled for a while.
      await waitFor(() => h.site.log.some((entry) => entry.path.startsWith('/slow')), { description: 'the slow request' });
      const job = await h.add({ url: h.site.url(HOST_A, '/once/429?retryAfter=0&key=deferred'), attempts: 1 });
      const done = await h.settled(job, ['completed', 'failed'], 20_000);
      await h.settled(slow, ['completed']);
      expect(done.attemptsStarted).toBeGreaterThan(3); // it was deferred more often than the limit
      expect(await done.getState()).toBe('completed'); // before: failed, its deferrals counted as cooldowns
      expect(done.attemptsMade).toBe(1);
      expect(h.site.log.filter((entry) => entry.path.startsWith('/once/429')).length).toBe(2); // the 429, then the page
    } finally {
      await worker.close({ timeoutMs: 0 });
    }
  });

  it('the limit still holds: a site always answering 503 + Retry-After gets max + 1 requests, then the attempt is spent', async () => {
    const worker = await h.startWorker({ domainRates: '', domainConcurrency: 0, maxCooldownRetries: 2 });
    try {
      h.site.clearLog();
      const job = await h.add({ url: h.site.url(HOST_B, '/status/503?retryAfter=0'), attempts: 1 });
      const done = await h.settled(job, ['completed', 'failed'], 20_000);
      expect(await done.getState()).toBe('failed');
      expect(done.failedReason).toMatch(/HTTP 503/);
      expect(h.site.log.filter((entry) => entry.host === HOST_B && entry.path.startsWith('/status/503'))).toHaveLength(3);
    } finally {
      await worker.close({ timeoutMs: 0 });
    }
  });
});
