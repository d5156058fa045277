/**
 * @module worker/extract/extract-fields
 * Runs a job's extraction rules on an HTML document: the one implementation both modes use
 * (browser mode passes `page.content()`), so a rule means the same thing in either.
 *
 * Two paths, one meaning. Selectors that need only an element and its ancestors (tags, ids,
 * classes, attributes, descendant/child combinators: nearly every extraction rule) are answered
 * while htmlparser2 streams the page (streaming-extract.ts); the rest go through cheerio/slim,
 * whose DOM htmlparser2 builds from the same events. Measured on the ~20 KB test page
 * (`node test/worker/measure/parsers.ts`): see the figures there; the streaming path allocates no
 * tree, which is most of the worker's parse CPU and much of its GC.
 * htmlparser2 does not repair markup the way browsers do (no implied `<tbody>`, stray table content
 * stays put), so `table > tr` style selectors can differ from what a browser would match.
 */
import { load } from 'cheerio/slim';
import type { NormalizedExtractRule } from '../../../shared/job-schema.ts';
import { InvalidSelectorError } from '../errors/index.ts';
import { cleanText, type Extracted, type ExtractedPage } from './extracted-page.ts';
import { streamExtract } from './streaming-extract.ts';

type Document = ReturnType<typeof load>;

function runRule($: Document, rule: NormalizedExtractRule): Extracted[string] {
  let matches;
  try {
    matches = $(rule.selector);
  } catch (error) {
    throw new InvalidSelectorError(rule.selector, error);
  }
  const { attr } = rule;
  if (!rule.all) {
    const first = matches.first();
    if (first.length === 0) return null;
    return attr === undefined ? cleanText(first.text()) : (first.attr(attr) ?? null);
  }
  const values: string[] = [];
  for (const element of matches) {
    if (attr === undefined) {
      values.push(cleanText($(element).text()));
    } else {
      // Elements without the attribute are skipped: `links[]` of `a[href]`-less anchors is noise.
      const value = $(element).attr(attr);
      if (value !== undefined) values.push(value);
    }
  }
  return values;
}

/** The DOM path: parses once into cheerio and answers every rule from the same document. */
export function extractWithDom(html: string, rules: readonly NormalizedExtractRule[]): ExtractedPage {
  const $ = load(html);
  const titleElement = $('title').first();
  const extract: Extracted = {};
  for (const rule of rules) extract[rule.name] = runRule($, rule);
  return { title: titleElement.length === 0 ? null : cleanText(titleElement.text()), extract };
}

/** Streams when every rule allows it, else builds the DOM; the answers are the same either way. */
export function extractFromHtml(html: string, rules: readonly NormalizedExtractRule[]): ExtractedPage {
  return streamExtract(html, rules) ?? extractWithDom(html, rules);
}

/** For documents that are not HTML (JSON, images…): no title, and every rule null (nothing was matched). */
export function notExtracted(rules: readonly NormalizedExtractRule[]): ExtractedPage {
  return { title: null, extract: Object.fromEntries(rules.map((rule) => [rule.name, null])) };
}
