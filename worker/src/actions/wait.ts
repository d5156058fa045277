/**
 * @module worker/actions/wait
 * `{type: "wait", milliseconds}` pauses; with `selector` it waits (at most `milliseconds`,
 * default 10 s) until an element matches.
 */
import { DEFAULT_SELECTOR_WAIT_MS } from '../../../shared/scrape-options/index.ts';
import type { ActionRunner } from './define-action.ts';

export const waitAction: ActionRunner<'wait'> = async (action, { page, remainingMs }) => {
  if (action.selector === undefined) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(action.milliseconds ?? 0, remainingMs())));
    return;
  }
  await page.waitForSelector(action.selector, { timeout: Math.min(action.milliseconds ?? DEFAULT_SELECTOR_WAIT_MS, remainingMs()) });
};
