/**
 * @module worker/actions/scroll
 * `{type: "scroll", direction, selector?}`: scrolls the page (or the element) by one screen,
 * then lets the page settle (infinite scroll fetches the next results on the scroll event).
 */
import { requireElement, settle, type ActionRunner } from './define-action.ts';

export const scrollAction: ActionRunner<'scroll'> = async (action, state) => {
  const { page } = state;
  const sign = action.direction === 'up' ? -1 : 1;
  if (action.selector !== undefined) {
    const element = await requireElement(page, action.selector);
    await element.evaluate((el, s) => el.scrollBy(0, s * el.clientHeight), sign);
  } else {
    await page.evaluate((s) => window.scrollBy(0, s * window.innerHeight), sign);
  }
  await settle(state);
};
