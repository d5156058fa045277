/**
 * Politeness end to end with real worker processes, judged from the site's request log:
 * robots.txt disallow, a 429 + Retry-After cooling the domain for the fleet, and fairness
 * (a throttled backlog on one domain does not hold back another).
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { domainKey } from '../../shared/domain-key.ts';
import { jobRequestSchema, type JobRequestInput } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { createDomainLimiter } from '../../worker/src/politeness/index.ts';
import type { TestSite } from '../support/test-site.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const [A, B, C] = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
let w: WorkerStack;
let site: TestSite;
let broker: Redis;
let results: Redis;
let queue: Queue;
let prefix: string;

beforeAll(async () => {
  w = await startWorkerStack({
    name: 'polite', hosts: [A, B, C], workers: 2,
    prepareSite: (testSite) => testSite.setRobots(B, 'User-agent: *\nDisallow: /private\n'),
    workerEnv: { QUARRY_CONCURRENCY: '10', QUARRY_DOMAIN_RATES: '50/1000' },
  });
  ({ site, broker, results, queue, prefix } = w);
}, 60_000);

afterAll(async () => {
  await w?.queue.obliterate({ force: true }).catch(() => undefined);
  await w?.close();
});

const add = (id: string, input: JobRequestInput) => {
  const request = jobRequestSchema.parse(input);
  return queue.add(request.mode, { request, acceptedAt: Date.now() }, { jobId: id, attempts: 3, backoff: { type: 'exponential', delay: 200 } });
};
const finished = async (id: string) => ['completed', 'failed'].includes(await queue.getJobState(id));

describe('politeness end to end', () => {
  it('never requests a path robots.txt disallows, and fails that job for good with the reason', async () => {
    await add('robots-private', { url: site.url(B, '/private/secret') });
    await add('robots-public', { url: site.url(B, '/page/3') });
    await waitFor(async () => (await finished('robots-private')) && (await finished('robots-public')), { timeoutMs: 20_000, description: 'both jobs' });
    const job = await queue.getJob('robots-private');
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(1);
    expect(job!.failedReason).toMatch(/robots\.txt disallows/);
    expect(await queue.getJobState('robots-public')).toBe('completed');
    expect(site.log.some((e) => e.host === B && e.path.startsWith('/private'))).toBe(false);
    expect(site.log.filter((e) => e.host === B && e.path === '/robots.txt')).toHaveLength(1);
  });

  it('a 429 with Retry-After pauses the domain for the whole fleet, and the job returns without spending an attempt', async () => {
    await add('cool-429', { url: site.url(C, '/once/429?retryAfter=2&key=cool') });
    await waitFor(() => site.log.some((e) => e.host === C && e.path.startsWith('/once/429')), { timeoutMs: 20_000, description: 'the 429' });
    const answeredAt = site.log.find((e) => e.host === C && e.path.startsWith('/once/429'))!.at;
    for (let i = 0; i < 5; i++) await add(`cool-other-${i}`, { url: site.url(C, `/page/${i}?cool=1`) });
    await waitFor(async () => (await Promise.all(['cool-429', ...[0, 1, 2, 3, 4].map((i) => `cool-other-${i}`)].map(finished))).every(Boolean), { timeoutMs: 30_000, description: 'the domain to resume' });
    const during = site.log.filter((e) => e.host === C && e.at > answeredAt + 5 && e.at < answeredAt + 2000 - 5 && e.path !== '/robots.txt');
    expect(during).toEqual([]);
    const job = await queue.getJob('cool-429');
    expect(await job!.getState()).toBe('completed');
    expect(JSON.parse((await results.get(resultKey(prefix, 'cool-429')))!)).toMatchObject({ attempt: 1, httpStatus: 200 });
  });

  it('a throttled backlog on one domain does not hold back another (fair across domains)', async () => {
    const limiter = createDomainLimiter({ redis: broker, prefix });
    await limiter.setLimits(domainKey(site.origin(A)), { rates: [{ max: 5, perMs: 1000 }] });
    await queue.addBulk(Array.from({ length: 300 }, (_, i) => {
      const request = jobRequestSchema.parse({ url: site.url(A, `/page/${i}?fair=a`) });
      return { name: 'http', data: { request, acceptedAt: Date.now() }, opts: { jobId: `fair-a-${i}`, attempts: 3 } };
    }));
    const enqueuedB = Date.now();
    for (let i = 0; i < 10; i++) await add(`fair-b-${i}`, { url: site.url(B, `/page/${i}?fair=b`) });
    await waitFor(async () => (await Promise.all(Array.from({ length: 10 }, (_, i) => finished(`fair-b-${i}`)))).every(Boolean), { timeoutMs: 30_000, description: "B's jobs" });
    const bSeconds = (Date.now() - enqueuedB) / 1000;
    const aDone = site.log.filter((e) => e.host === A && e.path.includes('fair=a')).length;
    // A's 300 jobs need a minute at 5/s; B's ten were done in seconds, with most of A still waiting.
    expect(bSeconds).toBeLessThan(15);
    expect(aDone).toBeLessThan(150);
  });
});
