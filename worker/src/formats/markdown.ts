/**
 * @module worker/formats/markdown
 * `markdown`: the page (or its narrowed part) as GitHub-flavoured markdown, with links and
 * images made absolute against the document's base URL.
 */
import { defineFormat } from './define-format.ts';
import { headOf } from './head-scan.ts';
import { assertHtmlSize } from './html-input.ts';
import { convertToMarkdown } from './markdown-converter.ts';
import { narrowHtml, narrows } from './narrowing.ts';
import { documentBase } from './urls.ts';

export const markdownFormat = defineFormat({
  name: 'markdown',
  async run(page, { scrape }, ctx) {
    if (page.html === null) return { result: { markdown: '' } };
    assertHtmlSize('markdown', page.html, ctx);
    const base = documentBase(page.finalUrl, headOf(page).baseHref);
    const html = narrows(scrape) ? await narrowHtml(page.html, scrape, { clean: null, dropHead: true }, ctx, 'markdown') : page.html;
    return { result: { markdown: await convertToMarkdown(html, base, ctx) } };
  },
});
