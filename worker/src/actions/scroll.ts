/**
 * @module worker/actions/scroll
 * `{type: "scroll", direction, selector?}`: scrolls the page (or the element) by one screen,
 * then gives the page a moment to react (infinite scroll loads on the scroll event).
 */
import { requireElement, type ActionRunner } from './define-action.ts';

export const scrollAction: ActionRunner<'scroll'> = async (action, { page, remainingMs }) => {
  const sign = action.direction === 'up' ? -1 : 1;
  if (action.selector !== undefined) {
    const element = await requireElement(page, action.selector);
    await element.evaluate((el, s) => el.scrollBy(0, s * el.clientHeight), sign);
  } else {
    await page.evaluate((s) => window.scrollBy(0, s * window.innerHeight), sign);
  }
  // Whatever the scroll started (a fetch of the next results) gets to finish, briefly.
  await page.waitForNetworkIdle({ idleTime: 100, timeout: Math.min(2_000, remainingMs()) }).catch(() => undefined);
};
