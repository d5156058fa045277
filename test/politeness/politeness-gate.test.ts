/**
 * @module test/politeness/politeness-gate
 * The gate's robots decisions as retry policy: a disallowed path fails for good, an unreachable
 * robots.txt (RFC 9309: assume disallow until it answers) is an ordinary retry, not a verdict.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { retryDecision } from '../../worker/src/errors/index.ts';
import { RobotsDisallowedError, RobotsUnreachableError, createPolitenessGate } from '../../worker/src/politeness-gate.ts';
import { createDomainLimiter, createRobotsCache, type FetchRobots } from '../../worker/src/politeness/index.ts';
import { startRedisFixture, type RedisFixture } from './redis-fixture.ts';

let fixture: RedisFixture;
beforeAll(async () => { fixture = await startRedisFixture('gate'); });
afterEach(async () => { await fixture.cleanup(); });
afterAll(async () => { await fixture?.stop(); });

function gateAnswering(answer: { status: number; body?: string } | Error) {
  const fetched: string[] = [];
  const fetchRobots: FetchRobots = async (url) => {
    fetched.push(url.href);
    if (answer instanceof Error) throw answer;
    return { status: answer.status, body: answer.body ?? '' };
  };
  const prefix = fixture.prefix();
  const gate = createPolitenessGate({
    limiter: createDomainLimiter({ redis: fixture.redis, prefix, defaults: { rates: [{ max: 100, perMs: 1000 }], concurrency: 0 } }),
    robots: createRobotsCache({ redis: fixture.redis, prefix, fetchRobots }),
    userAgent: 'QuarryBot', defaultCooldownMs: 1000, maxCooldownRetries: 3,
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
  ])('retries (not fails) when robots.txt gives %s, and grants no slot', async (_, answer, reason) => {
    const { gate, fetched } = gateAnswering(answer);
    const error = await gate.enter('job-1', request('/page/1')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RobotsUnreachableError);
    expect((error as Error).message).toMatch(reason);
    expect(retryDecision(error)).toBe('retry');
    expect(fetched).toEqual(['http://127.0.0.2:8080/robots.txt']);
  });
});
