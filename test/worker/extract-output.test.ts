/**
 * @module test/worker/extract-output
 * The extraction output: title + extract fields from the Page's HTML, nulls for a non-HTML
 * body, and the result cap failing the job without a retry.
 */
import { describe, expect, it } from 'vitest';
import { ResultTooLargeError } from '../../worker/src/errors/index.ts';
import { extractOutput } from '../../worker/src/extract/extract-output.ts';
import type { Page } from '../../worker/src/pipeline/page/page.ts';
import { testContext } from './pipeline/context.ts';

const html = '<html><head><title> A  page </title></head><body><h1>Hello</h1><a href="/x">x</a><a href="/y">y</a></body></html>';
const pageWith = (body: string | null): Page => ({
  url: 'http://127.0.0.2/', finalUrl: 'http://127.0.0.2/', status: 200, contentType: body === null ? 'application/json' : 'text/html',
  headers: {}, html: body, fetchedAt: 'at', bytes: body === null ? 0 : Buffer.byteLength(body),
});

describe('extract output', () => {
  const ctx = testContext({ url: 'http://127.0.0.2/', extract: { h1: 'h1', 'links[]': { selector: 'a', attr: 'href' }, missing: '.none' } });

  it('returns the title and one value per rule', async () => {
    const part = await extractOutput().run(pageWith(html), ctx.options, ctx);
    expect(part).toEqual({ result: { title: 'A page', extract: { h1: 'Hello', links: ['/x', '/y'], missing: null } } });
  });

  it('returns no title and null for every rule on a body that is not HTML', async () => {
    const part = await extractOutput().run(pageWith(null), ctx.options, ctx);
    expect(part).toEqual({ result: { title: null, extract: { h1: null, links: null, missing: null } } });
  });

  it('fails with ResultTooLargeError past maxResultBytes', async () => {
    await expect(extractOutput({ maxResultBytes: 20 }).run(pageWith(html), ctx.options, ctx)).rejects.toBeInstanceOf(ResultTooLargeError);
  });
});
