/**
 * @module test/politeness/politeness-gate
 * The gate's robots decisions as retry policy: a disallowed path fails for good; an unreachable
 * robots.txt (RFC 9309: assume disallow until it answers) defers the job without spending an
 * attempt until the fleet asks again, and fails it only after QUARRY_ROBOTS_UNREACHABLE_MAX_MS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { domainKeys } from '../../shared/domain-keys.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { retryDecision } from '../../worker/src/errors/index.ts';
import { DomainThrottledError, RobotsDisallowedError, RobotsUnreachableError, RobotsUnreachableTooLongError, createPolitenessGate } from '../../worker/src/politeness/index.ts';
import { createDomainLimiter, createRobotsCache, type FetchRobots } from '../../worker/src/politeness/index.ts';
import { startRedisFixture, type RedisFixture } from './redis-fixture.ts';

let fixture: RedisFixture;
beforeAll(async () => { fixture = await startRedisFixture('gate'); });
afterEach(async () => { await fixture.cleanup(); });
afterAll(async () => { await fixture?.stop(); });

function gateAnswering(answer: { status: number; body?: string } | Error, robotsOptions: { errorTtlMs?: number; robotsUnreachableMaxMs?: number } = {}) {
  const fetched: string[] = [];
  const fetchRobots: FetchRobots = async (url) => {
    fetched.push(url.href);
    if (answer instanceof Error) throw answer;
    return { status: answer.status, body: answer.body ?? '' };
  };
  const prefix = fixture.prefix();
  const gate = createPolitenessGate({
    limiter: createDomainLimiter({ redis: fixture.redis, prefix, defaults: { rates: [{ max: 100, perMs: 1000 }], concurrency: 0 } }),
    robots: createRobotsCache({ redis: fixture.redis, prefix, userAgent: 'QuarryBot', fetchRobots, ...(robotsOptions.errorTtlMs ? { errorTtlMs: robotsOptions.errorTtlMs } : {}) }),
    defaultCooldownMs: 1000, maxCooldownRetries: 3,
    ...(robotsOptions.robotsUnreachableMaxMs === undefined ? {} : { robotsUnreachableMaxMs: robotsOptions.robotsUnreachableMaxMs }),
  });
  return { gate, fetched };
}
const request = (path: string) => jobRequestSchema.parse({ url: `http://127.0.0.2:8080${path}` });

describe('politeness gate: robots.txt', () => {
  it('fails a disallowed path for good', async () => {
    const { gate } = gateAnswering({ status: 200, body: 'User-agent: *\nDisallow: /private\n' });
    const error = await gate.enter('job-1', request('/private/x')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RobotsDisallowedError);
    expect(retryDecision(error)).toBe('fail');
    await expect(gate.enter('job-2', request('/public'))).resolves.toMatchObject({ domain: '127.0.0.2:8080' });
  });

  it.each([
    ['a 503', { status: 503 }, /HTTP 503/],
    ['a 429', { status: 429 }, /HTTP 429/],
    ['no answer', new Error('connect ECONNREFUSED'), /no answer/],
  ])('defers the job without spending an attempt when robots.txt gives %s, until the fleet asks again', async (_, answer, reason) => {
    const { gate, fetched } = gateAnswering(answer, { errorTtlMs: 60_000 });
    const error = await gate.enter('job-1', request('/page/1')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RobotsUnreachableError);
    expect((error as Error).message).toMatch(reason);
    expect(retryDecision(error)).toBe('retry-later');
    // Back just after the re-check (60 s), padded and spread by up to 10 %.
    expect((error as RobotsUnreachableError).retryAfterMs).toBeGreaterThanOrEqual(60_000);
    expect((error as RobotsUnreachableError).retryAfterMs).toBeLessThanOrEqual(60_000 + 1_000 + 6_000);
    expect(fetched).toEqual(['http://127.0.0.2:8080/robots.txt']);
  });

  it('fails with the reason once robots.txt has been unreachable longer than the limit, and never waits past it', async () => {
    const { gate, fetched } = gateAnswering({ status: 503 }, { errorTtlMs: 60_000, robotsUnreachableMaxMs: 300 });
    const first = await gate.enter('job-1', request('/page/1')).catch((caught: unknown) => caught);
    expect(retryDecision(first)).toBe('retry-later');
    expect((first as RobotsUnreachableError).retryAfterMs).toBeLessThanOrEqual(300 + 1_000); // the limit, not the 60 s re-check
    const seenAt = Date.now();
    await waitFor(() => Date.now() - seenAt > 350, { description: 'the limit to pass', intervalMs: 20 });
    const last = await gate.enter('job-1', request('/page/1')).catch((caught: unknown) => caught);
    expect(last).toBeInstanceOf(RobotsUnreachableTooLongError);
    expect(retryDecision(last)).toBe('fail');
    expect((last as Error).message).toMatch(/unreachable since .* QUARRY_ROBOTS_UNREACHABLE_MAX_MS=300/);
    expect(fetched).toHaveLength(1); // the outage's start came from the fleet's entry, not a new fetch
  });
});

describe('politeness gate: redirect hops', () => {
  const B = '127.0.0.3:8080';
  function hopGate(hopWaitMs: number) {
    const prefix = fixture.prefix();
    const limiter = createDomainLimiter({ redis: fixture.redis, prefix, defaults: { rates: [], concurrency: 0 }, inProcessWaitMs: 100, returnEarlyMs: 20 });
    const gate = createPolitenessGate({ limiter, defaultCooldownMs: 1000, maxCooldownRetries: 3, hopWaitMs });
    return { limiter, gate, keys: domainKeys(prefix, B) };
  }
  const toB = (path: string) => new URL(`http://${B}${path}`);

  it('waits in-process for a hop slot that is close, and only once per domain per job', async () => {
    const { limiter, gate } = hopGate(2_000);
    await limiter.setLimits(B, { rates: [{ max: 1, perMs: 600 }] });
    const other = await gate.enter('other', request('/start'), true);
    await other.hop(toB('/a')); // takes B's slot now
    const pass = await gate.enter('job', request('/start'), true);
    const started = Date.now();
    await pass.hop(toB('/b'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(550); // slept to B's next slot
    expect(pass.domain).toBe(B);
    const again = Date.now();
    await pass.hop(toB('/c')); // B already granted to this job: no second slot
    expect(Date.now() - again).toBeLessThan(100);
    await Promise.all([pass.release(), other.release()]);
  });

  it('defers the whole job for a far hop slot, aimed early enough that the retried job claims it', async () => {
    const { limiter, gate, keys } = hopGate(300);
    await limiter.setLimits(B, { rates: [{ max: 1, perMs: 1_500 }] });
    const other = await gate.enter('other', request('/start'), true);
    await other.hop(toB('/a'));
    const first = await gate.enter('job', request('/start'), true);
    const error = await first.hop(toB('/b')).catch((caught: unknown) => caught);
    await first.release();
    expect(error).toBeInstanceOf(DomainThrottledError);
    expect(retryDecision(error)).toBe('retry-later');
    const { retryAfterMs } = error as DomainThrottledError;
    const slotAt = Number(await fixture.redis.zscore(keys.log, 'r:job')); // the slot reserved for it
    expect(slotAt - Date.now()).toBeGreaterThan(retryAfterMs + 150); // back early by half the wait bound
    // The retried job: back from the delayed set after retryAfterMs, its own domain first, then the hop.
    const returnAt = Date.now() + retryAfterMs;
    await waitFor(() => Date.now() >= returnAt, { description: 'the job\'s return', intervalMs: 5 });
    const retried = await gate.enter('job', request('/start'));
    await retried.hop(toB('/b'));
    const claimedAt = Date.now();
    expect(claimedAt).toBeGreaterThanOrEqual(slotAt - 5); // waited in-process for its slot…
    expect(claimedAt).toBeLessThan(slotAt + 300); // …and claimed it, not a later one
    expect(await fixture.redis.zscore(keys.log, 'r:job')).toBeNull();
    await Promise.all([retried.release(), other.release()]);
  });
});
