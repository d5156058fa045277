/**
 * @module worker/formats/metadata
 * `metadata`: what the page's head says about it (title, description, language, canonical,
 * robots, `og:*`) and how it was fetched (status, content type, final URL, time).
 */
import { defineFormat } from './define-format.ts';
import { headOf } from './head-scan.ts';
import { assertHtmlSize } from './html-input.ts';
import { documentBase, resolveUrl } from './urls.ts';

export const metadataFormat = defineFormat({
  name: 'metadata',
  async run(page, _options, ctx) {
    if (page.html !== null) assertHtmlSize('metadata', page.html, ctx);
    const head = headOf(page);
    const base = documentBase(page.finalUrl, head.baseHref);
    const headerLanguage = page.headers['content-language']?.split(',')[0]?.trim() || null;
    return {
      result: {
        metadata: {
          title: head.title,
          description: head.description,
          language: head.htmlLang ?? headerLanguage ?? head.contentLanguage,
          canonical: head.canonicalHref === null ? null : (resolveUrl(head.canonicalHref, base)?.href ?? null),
          robots: head.robots,
          og: head.og,
          statusCode: page.status,
          contentType: page.contentType,
          finalUrl: page.finalUrl,
          fetchedAt: page.fetchedAt,
        },
      },
    };
  },
});
