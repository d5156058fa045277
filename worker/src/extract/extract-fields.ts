/**
 * @module worker/extract/extract-fields
 * Runs a job's extraction rules on an HTML document: the one implementation both modes use
 * (browser mode passes `page.content()`), so a rule means the same thing in either.
 *
 * Parser: cheerio/slim (htmlparser2). Measured on the ~20 KB test page (test/worker/measure/parsers.ts):
 * 0.42 ms per page against 1.63 ms for cheerio's default parse5, with identical results there.
 * htmlparser2 does not repair markup the way browsers do (no implied `<tbody>`, stray table content
 * stays put), so `table > tr` style selectors can differ from what a browser would match.
 */
import { load } from 'cheerio/slim';
import type { NormalizedExtractRule } from '../../../shared/job-schema.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import { InvalidSelectorError } from '../errors/index.ts';

export type Extracted = JobResult['extract'];

export interface ExtractedPage {
  /** Text of the first `<title>`, trimmed and whitespace-collapsed; null when there is none. */
  title: string | null;
  /** One entry per rule. */
  extract: Extracted;
}

/** Trims and collapses runs of whitespace (including non-breaking spaces) to one space. */
export function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

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

/** Parses once and answers every rule from the same document. */
export function extractFromHtml(html: string, rules: readonly NormalizedExtractRule[]): ExtractedPage {
  const $ = load(html);
  const titleElement = $('title').first();
  const extract: Extracted = {};
  for (const rule of rules) extract[rule.name] = runRule($, rule);
  return { title: titleElement.length === 0 ? null : cleanText(titleElement.text()), extract };
}

/** For documents that are not HTML (JSON, images…): no title, and every rule null (nothing was matched). */
export function notExtracted(rules: readonly NormalizedExtractRule[]): ExtractedPage {
  return { title: null, extract: Object.fromEntries(rules.map((rule) => [rule.name, null])) };
}
