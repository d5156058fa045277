/**
 * The scaling signal against a queue built by hand: what is runnable, what politeness lets
 * start now, and what KEDA is told.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { SCHEDULE_QUEUE_NAME } from '../../shared/schedules/schedule-keys.ts';
import { createDomainLimiter } from '../../worker/src/politeness/index.ts';
import { domainCapacity, measureEligibleBacklog } from '../../worker/src/scaling/eligible-backlog.ts';
import { startScalerServer } from '../../worker/src/scaling/scaler-server.ts';

let server: RedisServer;
let redis: Redis;
const prefix = `{quarry-scaling-${Math.random().toString(36).slice(2, 7)}}`;

beforeAll(async () => {
  server = await startRedisServer({ appendOnly: false });
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  redis.disconnect();
  await server.dispose();
});

const data = (url: string) => ({ request: jobRequestSchema.parse({ url }), acceptedAt: Date.now() });

describe('eligible backlog', () => {
  it('counts schedule fire jobs that are due or running, so a fleet at zero wakes up for a slot', async () => {
    const fleetPrefix = `{quarry-scaling-${Math.random().toString(36).slice(2, 7)}}`;
    const fires = new Queue(SCHEDULE_QUEUE_NAME, { connection: redis.duplicate(), prefix: fleetPrefix });
    await fires.add('fire', { scheduleId: 's' }, { jobId: 'repeat:s:1' });
    await fires.add('fire', { scheduleId: 't' }, { jobId: 'repeat:t:2', delay: 3_600_000 }); // a later slot
    const usage = () => Promise.reject(new Error('no scrape jobs, no domains'));
    expect(await measureEligibleBacklog({ redis, prefix: fleetPrefix, usage })).toMatchObject({ runnable: 0, scheduleFires: 1, demand: 1 });
    await fires.obliterate({ force: true });
    await fires.close();
  });

  it('counts runnable jobs and removes what cooldowns and caps hold back', async () => {
    const queue = new Queue(QUEUE_NAME, { connection: redis.duplicate(), prefix });
    const add = (n: number, host: string, opts: Record<string, unknown> = {}) =>
      queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'http', data: data(`https://${host}/${i}`), opts })));
    await add(30, 'a.test');
    await add(10, 'b.test', { priority: 3 });
    await add(20, 'c.test');
    await add(5, 'a.test', { delay: 60_000 }); // not runnable yet
    // Due delayed jobs: their time has come, no worker promoted them yet.
    const dueAt = Date.now() + 2;
    const due = await add(5, 'a.test', { delay: 1 });
    await waitFor(() => Date.now() > dueAt, { intervalMs: 1, description: 'the 1 ms delay to pass' });
    expect(due).toHaveLength(5);
    await redis.lpush(`${prefix}:${QUEUE_NAME}:active`, 'x1', 'x2', 'x3');

    const limiter = createDomainLimiter({ redis, prefix, defaults: { rates: [], concurrency: 0 } });
    await limiter.setLimits('b.test', { concurrency: 2 });
    await limiter.cooldown('c.test', Date.now() + 60_000);

    const measured = await measureEligibleBacklog({ redis, prefix, usage: (d) => limiter.usage(d) });
    expect(measured.runnable).toBe(65);
    const byDomain = Object.fromEntries(measured.domains.map((d) => [d.domain, d]));
    expect(byDomain['a.test']).toMatchObject({ runnable: 35, eligible: 35, reason: 'ok' });
    expect(byDomain['b.test']).toMatchObject({ runnable: 10, eligible: 2, reason: 'concurrency' });
    expect(byDomain['c.test']).toMatchObject({ runnable: 20, eligible: 0, reason: 'cooldown' });
    expect(measured).toMatchObject({ eligibleBacklog: 37, inFlight: 3, demand: 40 });

    const scaler = await startScalerServer({ measure: () => measureEligibleBacklog({ redis, prefix, usage: (d) => limiter.usage(d) }), rule: { slotsPerPod: 10, minReplicas: 0, maxReplicas: 8, scaleInCooldownMs: 0 }, port: 0, host: '127.0.0.1' });
    const keda = await (await fetch(`http://127.0.0.1:${scaler.port}/keda/eligible-backlog`)).json();
    expect(keda).toMatchObject({ eligibleBacklog: 37, demand: 40, slotsPerPod: 10, desiredReplicas: 4 });
    const metrics = await (await fetch(`http://127.0.0.1:${scaler.port}/metrics`)).text();
    expect(metrics).toMatch(/quarry_eligible_backlog 37/);
    expect(metrics).toMatch(/quarry_domain_eligible_backlog\{domain="c.test",limited_by="cooldown"\} 0/);
    await scaler.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('caps a rate-limited domain by rate × hold time', () => {
    const usage = { domain: 'r.test', now: 0, overridden: true, windows: [{ max: 5, perMs: 1000, used: 0 }], concurrency: 0, activeLeases: 0, cooldownUntil: null, holdMs: 400, reservedAhead: 0, nextSlotAt: 0 };
    expect(domainCapacity(usage, 1000)).toEqual({ slots: 2, reason: 'rate' });
  });
});
