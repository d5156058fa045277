/**
 * @module worker/formats/html
 * `html`: the page (or its narrowed part) cleaned: no scripts, styles, comments, event-handler
 * attributes or `javascript:` URLs, and every URL absolute. Cleaned, not sanitized: it is meant
 * for indexing and LLMs; to show untrusted HTML inside your own page, still run a sanitizer.
 */
import { defineFormat } from './define-format.ts';
import { headOf } from './head-scan.ts';
import { assertHtmlSize } from './html-input.ts';
import { narrowHtml } from './narrowing.ts';
import { documentBase } from './urls.ts';

export const htmlFormat = defineFormat({
  name: 'html',
  async run(page, { scrape }, ctx) {
    if (page.html === null) return { result: { html: '' } };
    assertHtmlSize('html', page.html, ctx);
    const base = documentBase(page.finalUrl, headOf(page).baseHref);
    return { result: { html: await narrowHtml(page.html, scrape, { clean: { base }, dropHead: false }, ctx, 'html') } };
  },
});
