/**
 * @module test/worker/worker-http
 * The in-process worker on HTTP jobs, end to end through real Redis: results, retry policy per
 * error class, re-scheduling without spending an attempt, and a critical error stopping the worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { resultKey } from '../../shared/keys.ts';
import { jobResultSchema } from '../../shared/job-result.ts';
import { CriticalError, RetryLaterError } from '../../worker/src/errors/index.ts';
import type { QuarryWorker } from '../../worker/src/quarry-worker.ts';
import { expectedPage } from '../support/test-site-pages.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
let worker: QuarryWorker;

/** Shaped like the SSRF guard's refusals: a plain Error marked `retryable: false`. */
class RefusedLikeTheGuard extends Error {
  readonly retryable = false;
  override name = 'ForbiddenAddressError';
}

beforeAll(async () => {
  h = await startHarness();
  worker = await h.startWorker({}, {
    checkUrl: async (url) => {
      if (url.pathname.startsWith('/refused')) throw new RefusedLikeTheGuard('Refused: forbidden address');
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const requestsTo = (path: string) => h.site.log.filter((entry) => entry.path === path).length;

describe('worker, http mode', () => {
  it('stores the result in the result store under the job id, with a TTL', async () => {
    const url = h.site.url(HOST_A, '/page/7');
    const job = await h.add({ url, extract: { h1: 'h1', price: '.price', 'links[]': { selector: 'ul.links a', attr: 'href' }, missing: '.nope' } });
    const done = await h.settled(job);
    expect(done.finishedOn && (await h.queue.getJobState(job.id!))).toBe('completed');

    const raw = await h.resultClient.get(resultKey(h.prefix, job.id!));
    const result = jobResultSchema.parse(JSON.parse(raw!));
    const page = expectedPage(7);
    expect(result).toMatchObject({
      url, finalUrl: url, httpStatus: 200, title: page.title, mode: 'http', attempt: 1,
      extract: { h1: page.h1, price: page.price, links: page.links, missing: null },
    });
    expect(await h.resultClient.ttl(resultKey(h.prefix, job.id!))).toBeGreaterThan(h.config.resultTtlSeconds - 60);
    expect(done.returnvalue).toMatchObject({ status: 200, title: page.title, attempt: 1 });
  });

  it('finishes a re-run job from its stored result without fetching the page again', async () => {
    // As after a worker killed between storing the result and BullMQ's finish: the stalled job
    // runs again and finds its result already stored.
    const url = h.site.url(HOST_A, '/page/8?rerun=1');
    const jobId = 'rerun-after-store';
    const stored = { url, finalUrl: url, httpStatus: 200, title: 'From the first run', extract: {}, fetchedAt: new Date().toISOString(), durationMs: 12, mode: 'http', attempt: 1 };
    await h.resultClient.set(resultKey(h.prefix, jobId), JSON.stringify(stored), 'EX', 600);
    const job = await h.add({ url }, { jobId });
    const done = await h.settled(job);
    expect(await h.queue.getJobState(jobId)).toBe('completed');
    expect(done.returnvalue).toMatchObject({ status: 200, title: 'From the first run', attempt: 1 });
    expect(h.site.log.some((entry) => entry.path.includes('rerun=1'))).toBe(false);
    expect(JSON.parse((await h.resultClient.get(resultKey(h.prefix, jobId)))!)).toEqual(stored);
  });

  it('fails a 404 after one attempt', async () => {
    const job = await h.add({ url: h.site.url(HOST_A, '/status/404'), attempts: 3 });
    const done = await h.settled(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toBe('Target answered HTTP 404');
    expect(await h.resultClient.exists(resultKey(h.prefix, job.id!))).toBe(0);
  });

  it('retries a 500 until its attempts run out', async () => {
    const path = '/status/500';
    const before = requestsTo(path);
    const job = await h.add({ url: h.site.url(HOST_A, path), attempts: 3 });
    const done = await h.settled(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(3);
    expect(requestsTo(path) - before).toBe(3);
  });

  it('fails a body over the cap without retrying', async () => {
    const path = `/big?bytes=${h.config.maxBodyBytes * 4}`;
    const job = await h.add({ url: h.site.url(HOST_A, path), attempts: 3 });
    const done = await h.settled(job);
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toMatch(/exceeds the limit/);
  });

  it('retries a timeout', async () => {
    const job = await h.add({ url: h.site.url(HOST_A, '/slow?ms=5000'), timeoutMs: 1000, attempts: 2 });
    const done = await h.settled(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(2);
    expect(done.failedReason).toBe('Fetch timed out after 1000 ms');
  });

  it('fails invalid job data at once', async () => {
    const job = await h.queue.add('http', { request: { url: 'ftp://example.test/' }, acceptedAt: 1 }, { attempts: 3 });
    const done = await h.settled(job);
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toMatch(/^Invalid job data: request.url/);
  });

  it('stores a non-HTML response without title or extraction', async () => {
    const job = await h.add({ url: h.site.url(HOST_A, '/data.json'), extract: { title: 'title' } });
    await h.settled(job);
    const result = JSON.parse((await h.resultClient.get(resultKey(h.prefix, job.id!)))!);
    expect(result).toMatchObject({ httpStatus: 200, title: null, extract: { title: null } });
  });
});

describe('worker hooks and error classes', () => {
  it('fails at once on a hook error marked retryable: false, before any request', async () => {
    const before = h.site.log.length;
    const job = await h.add({ url: h.site.url(HOST_A, '/refused/1'), attempts: 3 });
    const done = await h.settled(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toBe('Refused: forbidden address');
    expect(h.site.log.length).toBe(before);
  });

  it('re-schedules on RetryLaterError without spending an attempt', async () => {
    let refusals = 0;
    const throttled = await h.startWorker({ prefix: h.prefix, concurrency: 1 }, {
      checkUrl: async (url) => {
        if (url.pathname === '/page/31' && refusals++ < 2) throw new RetryLaterError('domain is cooling down', 50);
      },
    });
    await worker.worker.pause(); // only the throttled worker takes the next job
    try {
      const job = await h.add({ url: h.site.url(HOST_A, '/page/31'), attempts: 1 });
      const done = await h.settled(job);
      expect(await done.getState()).toBe('completed');
      expect(refusals).toBeGreaterThanOrEqual(3); // the politeness gate and the fetcher both check the URL
      expect(done.attemptsMade).toBe(1);
      const result = JSON.parse((await h.resultClient.get(resultKey(h.prefix, job.id!)))!);
      expect(result.attempt).toBe(1);
    } finally {
      await throttled.close({ timeoutMs: 0 });
      worker.worker.resume();
    }
  });

  it('hands the job back and stops the worker on a CriticalError', async () => {
    await worker.worker.pause();
    const broken = await h.startWorker({ concurrency: 1 }, {
      checkUrl: async () => {
        throw new CriticalError('cannot work');
      },
    });
    try {
      const job = await h.add({ url: h.site.url(HOST_A, '/page/32'), attempts: 1 });
      await expect(broken.stopped).resolves.toBeInstanceOf(CriticalError);
      expect(await h.queue.getJobState(job.id!)).toBe('waiting');
      expect((await h.queue.getJob(job.id!))!.attemptsMade).toBe(0);
    } finally {
      worker.worker.resume();
    }
    const job = await waitFor(async () => (await h.queue.getJobs(['completed'])).find((j) => j.data.request.url.endsWith('/page/32')));
    expect(job.attemptsMade).toBe(1);
  });
});
