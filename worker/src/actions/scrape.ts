/**
 * @module worker/actions/scrape
 * `{type: "scrape"}`: the page's URL and HTML at this step, in `actions.scrapes`.
 */
import type { ActionRunner } from './define-action.ts';

export const scrapeAction: ActionRunner<'scrape'> = async (_action, { page, result }) => {
  result.scrapes.push({ url: page.url(), html: await page.content() });
};
