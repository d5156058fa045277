/**
 * @module worker/formats/narrowing
 * `onlyMainContent`, `includeTags` and `excludeTags` applied to a page's HTML: the input of the
 * `markdown` and `html` formats. One rule for both, in one streaming pass (html-rewriter.ts):
 * `includeTags` keeps only what they match (it replaces the main-content container when both are
 * set); `excludeTags` and, with `onlyMainContent`, the boilerplate selectors drop what they match.
 */
import { compileSelectorPlan, type SelectorPlan } from '../extract/selector-plan.ts';
import type { FormatContext, FormatOptions } from './define-format.ts';
import { rewriteHtml, type RewriteOptions } from './html-rewriter.ts';
import { BOILERPLATE, likelyContainers, PAGE_CHROME } from './main-content.ts';

export type Narrowing = FormatOptions['scrape'];

/** True when the options change what markdown/html cover. */
export function narrows(scrape: Narrowing): boolean {
  return scrape.onlyMainContent === true || (scrape.includeTags?.length ?? 0) > 0 || (scrape.excludeTags?.length ?? 0) > 0;
}

const plans = new Map<string, SelectorPlan>();
const MAX_CACHED_PLANS = 1_000;

/** One plan for a selector list; the edge only accepts selectors that compile (shared/scrape-options/selectors.ts). */
function planOf(selectors: readonly string[]): SelectorPlan | null {
  if (selectors.length === 0) return null;
  const list = selectors.join(', ');
  let plan = plans.get(list);
  if (!plan) {
    const compiled = compileSelectorPlan(list);
    if (!compiled) throw new Error(`Selector list cannot be streamed: ${list}`);
    if (plans.size >= MAX_CACHED_PLANS) plans.clear();
    plans.set(list, (plan = compiled));
  }
  return plan;
}

export interface NarrowOptions {
  clean: RewriteOptions['clean'];
  dropHead: boolean;
}

/** The page's HTML narrowed (and cleaned, when asked) as the options say. */
export async function narrowHtml(html: string, scrape: Narrowing, how: NarrowOptions, ctx: FormatContext, format: string): Promise<string> {
  const excludes = [...(scrape.excludeTags ?? [])];
  if (scrape.onlyMainContent) excludes.push(BOILERPLATE);
  const run = (include: string[], extraExclude: string[] = []) =>
    rewriteHtml(html, { include: planOf(include), exclude: planOf([...excludes, ...extraExclude]), ...how }, ctx, format);

  if (scrape.includeTags?.length) return (await run(scrape.includeTags)).html;
  if (!scrape.onlyMainContent) return (await run([])).html;
  for (const container of likelyContainers(html)) {
    const narrowed = await run([container]);
    if (narrowed.included > 0) return narrowed.html;
  }
  return (await run([], [PAGE_CHROME])).html;
}
