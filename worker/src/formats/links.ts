/**
 * @module worker/formats/links
 * `links`: every hyperlink of the page (`<a href>`, `<area href>`) as an absolute http(s) URL
 * without its fragment, deduped, in page order, at most `maxLinks` of them. Links are taken from
 * the whole page: `onlyMainContent` and the tag filters narrow only markdown and html.
 */
import { decodeHTMLAttribute } from 'entities';
import { Parser } from 'htmlparser2';
import { defineFormat } from './define-format.ts';
import { FormatInputTooDeepError } from './format-errors.ts';
import { headOf } from './head-scan.ts';
import { assertHtmlSize, writeInSlices } from './html-input.ts';
import { documentBase, resolveHttpLink } from './urls.ts';

export const linksFormat = defineFormat({
  name: 'links',
  async run(page, _options, ctx) {
    if (page.html === null) return { result: { links: [] } };
    assertHtmlSize('links', page.html, ctx);
    const base = documentBase(page.finalUrl, headOf(page).baseHref);
    const links = new Set<string>();
    let depth = 0;
    const parser = new Parser({
      onopentag(name, attribs) {
        if (++depth > ctx.limits.maxDepth) throw new FormatInputTooDeepError('links', ctx.limits.maxDepth);
        if ((name !== 'a' && name !== 'area') || attribs.href === undefined || links.size >= ctx.limits.maxLinks) return;
        const raw = attribs.href;
        const link = resolveHttpLink(raw.includes('&') ? decodeHTMLAttribute(raw) : raw, base);
        if (link !== null) links.add(link);
      },
      onclosetag() {
        depth -= 1;
      },
    }, { decodeEntities: false });
    await writeInSlices(page.html, ctx, (slice) => parser.write(slice));
    parser.end();
    return { result: { links: [...links] } };
  },
});
