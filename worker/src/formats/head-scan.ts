/**
 * @module worker/formats/head-scan
 * One pass over the document's head: base URL, title, language, description, robots,
 * canonical and Open Graph. It stops at the first element that can only be body content (as a
 * browser's parser leaves the head there), so its cost does not grow with the page. Memoized
 * per page: markdown, html, links and metadata all need the base URL.
 */
import { Parser } from 'htmlparser2';
import type { FetchedPage } from './page.ts';

export interface HeadScan {
  baseHref: string | null;
  title: string | null;
  htmlLang: string | null;
  description: string | null;
  robots: string | null;
  contentLanguage: string | null;
  canonicalHref: string | null;
  og: Record<string, string | string[]>;
}

/** Elements a head may hold (plus the document wrappers); any other start tag ends the head. */
const HEAD_ELEMENTS = new Set(['html', 'head', 'title', 'base', 'meta', 'link', 'script', 'style', 'noscript', 'template']);
/** Most `og:*` properties kept, and longest value, so a hostile head stays small in the result. */
const MAX_OG = 100;
const MAX_VALUE = 2_000;

const clip = (value: string) => (value.length > MAX_VALUE ? value.slice(0, MAX_VALUE) : value);

export function scanHead(html: string): HeadScan {
  const scan: HeadScan = { baseHref: null, title: null, htmlLang: null, description: null, robots: null, contentLanguage: null, canonicalHref: null, og: {} };
  let ogCount = 0;
  let titleParts: string[] | null = null;
  let done = false;
  const parser = new Parser({
    onopentag(name, attribs) {
      if (done) return;
      if (!HEAD_ELEMENTS.has(name)) {
        done = true;
        parser.pause();
        return;
      }
      if (name === 'html' && attribs.lang !== undefined) scan.htmlLang ??= attribs.lang.trim() || null;
      else if (name === 'base' && attribs.href !== undefined) scan.baseHref ??= attribs.href;
      else if (name === 'title' && scan.title === null) titleParts = [];
      else if (name === 'link' && attribs.href !== undefined && /(^|\s)canonical(\s|$)/i.test(attribs.rel ?? '')) scan.canonicalHref ??= attribs.href;
      else if (name === 'meta') {
        const content = attribs.content;
        if (content === undefined) return;
        const key = (attribs.name ?? '').toLowerCase();
        if (key === 'description') scan.description ??= clip(content.trim());
        else if (key === 'robots') scan.robots ??= clip(content.trim());
        else if ((attribs['http-equiv'] ?? '').toLowerCase() === 'content-language') scan.contentLanguage ??= content.trim() || null;
        const property = (attribs.property ?? '').trim();
        if (/^og:/i.test(property) && ogCount < MAX_OG) {
          ogCount += 1;
          const previous = scan.og[property];
          const value = clip(content.trim());
          scan.og[property] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
        }
      }
    },
    ontext(text) {
      if (titleParts && !done) titleParts.push(text);
    },
    onclosetag(name) {
      if (name === 'title' && titleParts) {
        scan.title = clip(titleParts.join('').replace(/\s+/g, ' ').trim());
        titleParts = null;
      }
    },
  });
  parser.end(html);
  if (titleParts) scan.title = clip((titleParts as string[]).join('').replace(/\s+/g, ' ').trim());
  return scan;
}

const cache = new WeakMap<FetchedPage, HeadScan>();

/** The page's head scan, computed once per page object. */
export function headOf(page: FetchedPage): HeadScan {
  let scan = cache.get(page);
  if (!scan) {
    scan = scanHead(page.html ?? '');
    cache.set(page, scan);
  }
  return scan;
}
