/**
 * @module worker/extract/extract-fields
 * Runs a job's extraction rules on an HTML document: the one implementation both modes use
 * (browser mode passes `page.content()`), so a rule means the same thing in either.
 *
 * Two paths, one meaning. Selectors that need only an element and its ancestors (tags, ids,
 * classes, attributes, descendant/child combinators: nearly every extraction rule) are answered
 * while htmlparser2 streams the page (streaming-extract.ts); the rest go through a DOM that
 * htmlparser2 builds from the same events, queried as cheerio does (dom-extract.ts). Measured on
 * the ~20 KB test page (`node test/worker/measure/parsers.ts`): see the figures there; the
 * streaming path allocates no tree, which is most of the worker's parse CPU and much of its GC.
 * htmlparser2 does not repair markup the way browsers do (no implied `<tbody>`, stray table content
 * stays put), so `table > tr` style selectors can differ from what a browser would match.
 *
 * Both paths are bounded (extract-budget.ts): linear matching, a work budget, a result size cap,
 * and a pause for the event loop every time slice, so no page or selector can freeze a worker.
 * Design and figures on hostile pages: docs/extraction.md (`node test/worker/measure/extract-hostile.ts`).
 */
import type { NormalizedExtractRule } from '../../../shared/job-schema.ts';
import { domExtractSteps } from './dom-extract.ts';
import { DEFAULT_EXTRACT_LIMITS, runSliced, runToEnd, WorkMeter, type ExtractLimits } from './extract-budget.ts';
import type { ExtractedPage } from './extracted-page.ts';
import { streamExtractSteps } from './streaming-extract.ts';

export type { ExtractLimits } from './extract-budget.ts';

/** The DOM path run to the end without yielding (tests compare it with the streaming path). */
export function extractWithDom(html: string, rules: readonly NormalizedExtractRule[], limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): ExtractedPage {
  return runToEnd(domExtractSteps(html, rules, new WorkMeter({ ...limits, sliceMs: Infinity })));
}

/**
 * Streams when every rule allows it, else builds the DOM; the answers are the same either way.
 * Yields to the event loop every `limits.sliceMs`; fails with ResultTooLargeError or
 * ExtractionTooComplexError (both final) past the limits.
 */
export async function extractFromHtml(html: string, rules: readonly NormalizedExtractRule[], limits: Partial<ExtractLimits> = {}): Promise<ExtractedPage> {
  const meter = new WorkMeter({ ...DEFAULT_EXTRACT_LIMITS, ...limits });
  return runSliced(streamExtractSteps(html, rules, meter) ?? domExtractSteps(html, rules, meter), meter);
}

/** For documents that are not HTML (JSON, images…): no title, and every rule null (nothing was matched). */
export function notExtracted(rules: readonly NormalizedExtractRule[]): ExtractedPage {
  return { title: null, extract: Object.fromEntries(rules.map((rule) => [rule.name, null])) };
}
