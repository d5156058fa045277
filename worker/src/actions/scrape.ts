/**
 * @module worker/actions/scrape
 * `{type: "scrape"}`: the page's URL and HTML at this step, in `actions.scrapes`. All of a job's
 * scrapes together hold at most MAX_SCRAPES_BYTES of HTML (the default DOM cap), since they all
 * go into one stored result: 50 scrapes of a large page would otherwise be 50 copies of it.
 */
import { ActionStepError } from './action-errors.ts';
import type { ActionRunner } from './define-action.ts';

export const MAX_SCRAPES_BYTES = 5 * 1024 * 1024;

export const scrapeAction: ActionRunner<'scrape'> = async (_action, state) => {
  const { page, result } = state;
  const html = await page.content();
  state.scrapedBytes += Buffer.byteLength(html);
  if (state.scrapedBytes > MAX_SCRAPES_BYTES) throw new ActionStepError(`the scrapes hold more than ${MAX_SCRAPES_BYTES} bytes of HTML in all`);
  result.scrapes.push({ url: page.url(), html });
};
