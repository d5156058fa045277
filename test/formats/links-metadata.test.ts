/**
 * `links`, `metadata`, `rawHtml` and the registry that runs a job's formats.
 */
import { describe, expect, it } from 'vitest';
import { NoLivePageError, UnsupportedFormatError } from '../../worker/src/formats/index.ts';
import { ARTICLE_PAGE, LINKS_EXPECTED, LINKS_PAGE, QUALITY_PAGE } from '../support/format-pages.ts';
import { pageOf, run } from './format-harness.ts';

describe('links', () => {
  it('are absolute http(s) URLs against <base href>, without fragments, deduped, in page order', async () => {
    expect((await run(pageOf(LINKS_PAGE), ['links'])).links).toEqual(LINKS_EXPECTED);
  });

  it('come from the whole page even when markdown is narrowed', async () => {
    const result = await run(pageOf(QUALITY_PAGE), ['links', 'markdown'], { onlyMainContent: true });
    expect(result.links).toContain('http://127.0.0.2:8080/related');
    expect(result.markdown).not.toContain('related');
  });

  it('stop at maxLinks', async () => {
    const html = Array.from({ length: 50 }, (_, i) => `<a href="/p/${i}">${i}</a>`).join('');
    expect((await run(pageOf(html), ['links'], {}, { maxLinks: 7 })).links).toEqual(Array.from({ length: 7 }, (_, i) => `http://127.0.0.2:8080/p/${i}`));
  });
});

describe('metadata', () => {
  it('reads title, language, canonical (absolute), robots and og:* from the head, and the fetch from the page', async () => {
    expect((await run(pageOf(ARTICLE_PAGE), ['metadata'])).metadata).toEqual({
      title: 'Rivers rise | Daily', description: null, language: 'en-GB', canonical: 'http://127.0.0.2:8080/news/rivers-rise',
      robots: 'index, follow', og: { 'og:title': 'Rivers rise', 'og:image': ['/img/a.jpg', '/img/b.jpg'] },
      statusCode: 200, contentType: 'text/html; charset=utf-8', finalUrl: 'http://127.0.0.2:8080/docs/guide/', fetchedAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('decodes entities, falls back to Content-Language, and stops reading at the body', async () => {
    const html = '<title>A &amp; B</title><meta name="description" content="&quot;quoted&quot;"><div>body</div><meta name="robots" content="noindex">';
    const { metadata } = await run(pageOf(html, { headers: { 'content-language': 'de-DE, en' }, status: 203 }), ['metadata']);
    expect(metadata).toMatchObject({ title: 'A & B', description: '"quoted"', language: 'de-DE', robots: null, statusCode: 203 });
  });

  it('describes a non-HTML response by its fetch alone', async () => {
    const { metadata } = await run(pageOf(null, { contentType: 'application/pdf' }), ['metadata']);
    expect(metadata).toMatchObject({ title: null, description: null, language: null, canonical: null, og: {}, contentType: 'application/pdf' });
  });
});

describe('rawHtml and the registry', () => {
  it('rawHtml is the page as fetched', async () => {
    expect((await run(pageOf(LINKS_PAGE), ['rawHtml'])).rawHtml).toBe(LINKS_PAGE);
  });

  it('runs the asked formats only and merges their parts', async () => {
    expect(Object.keys(await run(pageOf(QUALITY_PAGE), ['metadata', 'links']))).toEqual(['metadata', 'links']);
    expect(await run(pageOf(QUALITY_PAGE), [])).toEqual({});
  });

  it('refuses a format no module computes (an older worker) with a non-retryable error', async () => {
    await expect(run(pageOf(QUALITY_PAGE), ['summary' as 'markdown'])).rejects.toBeInstanceOf(UnsupportedFormatError);
  });

  it('refuses a browser format without the live page', async () => {
    await expect(run(pageOf(QUALITY_PAGE), [{ type: 'pdf' }])).rejects.toBeInstanceOf(NoLivePageError);
    await expect(run(pageOf(QUALITY_PAGE), [{ type: 'screenshot' }])).rejects.toBeInstanceOf(NoLivePageError);
  });
});
