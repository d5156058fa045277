/**
 * @module test/worker/extract
 * Extraction rules as the edge normalises them: first match, `[]` for all, `attr`, no match.
 */
import { describe, expect, it } from 'vitest';
import { normalizeExtract } from '../../shared/job-schema.ts';
import { InvalidSelectorError } from '../../worker/src/errors/index.ts';
import { extractFromHtml, notExtracted } from '../../worker/src/extract/extract-fields.ts';
import { expectedPage, renderPage } from '../support/test-site-pages.ts';

const html = `<!doctype html><html><head><title>
  Shop &amp;  more
</title></head><body>
<h1>  Hello
   world </h1>
<p class="price">$1</p><p class="price">$2</p>
<a href="/a">A</a><a name="no-href">B</a><a href="/c">C&nbsp;D</a>
</body></html>`;

const run = (extract: Parameters<typeof normalizeExtract>[0]) => extractFromHtml(html, normalizeExtract(extract));

describe('extractFromHtml', () => {
  it('takes the first match, trimmed and whitespace-collapsed, and the title', async () => {
    expect(await run({ h1: 'h1', price: '.price' })).toEqual({ title: 'Shop & more', extract: { h1: 'Hello world', price: '$1' } });
  });

  it('returns every match for a [] name or all: true', async () => {
    expect((await run({ 'prices[]': '.price', texts: { selector: 'a', all: true } })).extract)
      .toEqual({ prices: ['$1', '$2'], texts: ['A', 'B', 'C D'] });
  });

  it('reads an attribute, skipping elements without it when collecting all', async () => {
    expect((await run({ first: { selector: 'a', attr: 'href' }, 'links[]': { selector: 'a', attr: 'href' }, missing: { selector: 'h1', attr: 'id' } })).extract)
      .toEqual({ first: '/a', links: ['/a', '/c'], missing: null });
  });

  it('gives null for no match, [] for no matches, and null title without <title>', async () => {
    expect(await extractFromHtml('<p>x</p>', normalizeExtract({ one: 'h2', 'many[]': 'h2' }))).toEqual({ title: null, extract: { one: null, many: [] } });
  });

  it('fails a selector the matcher cannot run with a non-retryable error', async () => {
    await expect(run({ bad: 'p:frobnicate' })).rejects.toThrow(InvalidSelectorError);
  });

  it('matches what the test site promises for /page/:n', async () => {
    const page = expectedPage(12);
    expect(await extractFromHtml(renderPage(12), normalizeExtract({ h1: 'h1', price: '.price', 'links[]': { selector: 'ul.links a', attr: 'href' } })))
      .toEqual({ title: page.title, extract: { h1: page.h1, price: page.price, links: page.links } });
  });

  it('leaves every rule null for non-HTML bodies', () => {
    expect(notExtracted(normalizeExtract({ a: 'h1', 'b[]': 'p' }))).toEqual({ title: null, extract: { a: null, b: null } });
  });
});
