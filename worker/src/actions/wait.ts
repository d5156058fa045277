/**
 * @module worker/actions/wait
 * `{type: "wait", milliseconds}` pauses; with `selector` it waits (at most `milliseconds`,
 * default 10 s) until an element matches.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SELECTOR_WAIT_MS } from '../../../shared/scrape-options/index.ts';
import type { ActionRunner } from './define-action.ts';

export const waitAction: ActionRunner<'wait'> = async (action, { page, remainingMs }) => {
  if (action.selector === undefined) {
    // Unref'd: a job stopped mid-pause (cancel, shutdown) leaves no timer holding the process.
    await sleep(Math.min(action.milliseconds ?? 0, remainingMs()), undefined, { ref: false });
    return;
  }
  await page.waitForSelector(action.selector, { timeout: Math.min(action.milliseconds ?? DEFAULT_SELECTOR_WAIT_MS, remainingMs()) });
};
