/**
 * @module test/worker/extract-result-cap
 * The result size cap (QUARRY_MAX_RESULT_BYTES) on both extraction paths: a result of exactly
 * the cap passes, one byte more fails with a final error that names the cap and the variable,
 * attribute values and empty matches count too. End to end through a worker: the job fails
 * without a retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeExtract, type JobRequestInput } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { retryDecision } from '../../worker/src/errors/index.ts';
import { extractFromHtml } from '../../worker/src/extract/extract-fields.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

const html = `<html><head><title>Caps é 中</title></head><body>${Array.from({ length: 200 }, (_, index) => `<p class="x"><a href="/item/${index}">item ${index} "quoted" é</a></p>`).join('\n')}</body></html>`;

const CASES: Record<string, NonNullable<JobRequestInput['extract']>> = {
  'streaming text': { 'items[]': 'p a' },
  'DOM text': { 'items[]': 'p:not(.y) a' },
  'streaming attributes': { 'links[]': { selector: 'p > a', attr: 'href' } },
  'DOM attributes': { 'links[]': { selector: 'p:first-of-type a', attr: 'href' } },
  'streaming empty matches': { 'empty[]': { selector: 'p', attr: 'class' }, 'nothing[]': 'br, p b' },
};

describe('result size cap while extracting', () => {
  for (const [name, extract] of Object.entries(CASES)) {
    it(`${name}: passes at exactly the cap and fails one byte under it, naming both`, async () => {
      const rules = normalizeExtract(extract);
      const full = await extractFromHtml(html, rules, { maxResultBytes: 64 * 1024 * 1024 });
      const bytes = Buffer.byteLength(JSON.stringify(full));
      expect(await extractFromHtml(html, rules, { maxResultBytes: bytes })).toEqual(full);
      const error = await extractFromHtml(html, rules, { maxResultBytes: bytes - 1 }).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('ResultTooLargeError');
      expect((error as Error).message).toContain(`${bytes - 1} bytes (QUARRY_MAX_RESULT_BYTES)`);
      expect(retryDecision(error)).toBe('fail');
    });
  }

  it('stops as soon as the values held pass the cap, long before the page ends', async () => {
    // 10,000 nested elements: the whole answer to `*` would be ~250 MB of text.
    const nested = `<html><body>${'<div>word '.repeat(10_000)}</body></html>`;
    const started = performance.now();
    await expect(extractFromHtml(nested, normalizeExtract({ 't[]': '*' }), { maxResultBytes: 64 * 1024 })).rejects.toThrow(/64 KiB|65536 bytes/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('worker with QUARRY_MAX_RESULT_BYTES', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker({ maxResultBytes: 4096 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('fails a job whose result passes the cap at once, without a retry or a stored result', async () => {
    const job = await h.add({ url: h.site.url(HOST_A, '/page/3'), extract: { 't[]': '*' }, attempts: 3 });
    const done = await h.settled(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toMatch(/larger than 4096 bytes \(QUARRY_MAX_RESULT_BYTES\)/);
    expect(await h.resultClient.exists(resultKey(h.prefix, job.id!))).toBe(0);
  });

  it('still completes jobs under the cap', async () => {
    const job = await h.add({ url: h.site.url(HOST_A, '/page/4'), extract: { h1: 'h1', 'links[]': { selector: 'ul.links a', attr: 'href' } } });
    const done = await h.settled(job);
    expect(await done.getState()).toBe('completed');
  });
});
