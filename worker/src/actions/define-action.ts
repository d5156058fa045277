/**
 * @module worker/actions/define-action
 * One browser action type = one module exporting an `ActionRunner`: it acts on the live page and
 * records what it produced in the run's `ActionsState`; it throws `ActionStepError`
 * (action-errors.ts) with a short reason that run-actions.ts turns into the job's error.
 */
import type { ElementHandle, Page } from 'puppeteer-core';
import type { Action, ActionsResult } from '../../../shared/scrape-options/index.ts';
import type { OutputArtifact } from '../pipeline/outputs/index.ts';
import { ActionStepError } from './action-errors.ts';

export interface ActionsState {
  readonly page: Page;
  /** The action's index in the job's list (screenshot names use it). */
  index: number;
  readonly result: ActionsResult;
  readonly artifacts: OutputArtifact[];
  /** Bytes of HTML the scrape actions stored so far (they share one cap). */
  scrapedBytes: number;
  /** Milliseconds left of the job's deadline. */
  remainingMs(): number;
}

export type ActionRunner<T extends Action['type']> = (action: Extract<Action, { type: T }>, state: ActionsState) => Promise<void>;

/** How long a page gets to react to a click, a key or a scroll (a fetch of more results, a navigation) at most. */
const SETTLE_MAX_MS = 2_000;
/** Network quiet this long counts as settled. */
const SETTLE_IDLE_MS = 100;

/**
 * After an input the page may start work: an XHR for the next results, or a navigation (a link,
 * a submitted form). Waiting for the network to go quiet covers both, so the next action (and
 * the final read of the DOM) finds the page it caused, not a context being torn down. Best
 * effort: a page that keeps polling is used as it is after SETTLE_MAX_MS.
 */
export async function settle({ page, remainingMs }: ActionsState): Promise<void> {
  await page.waitForNetworkIdle({ idleTime: SETTLE_IDLE_MS, timeout: Math.min(SETTLE_MAX_MS, remainingMs()) }).catch(() => undefined);
}

/** The first element matching `selector`, or ActionStepError. */
export async function requireElement(page: Page, selector: string): Promise<ElementHandle> {
  const element = await page.$(selector);
  if (!element) throw new ActionStepError('no element matches');
  return element;
}

/** Clicks an element; one that cannot take a click (hidden, zero size, detached) is the action's failure, not a retry. */
export async function clickElement(element: ElementHandle): Promise<void> {
  try {
    await element.click();
  } catch (error) {
    if (/not clickable|not an Element|detached/i.test((error as Error).message)) throw new ActionStepError('the element is not visible or cannot be clicked');
    throw error;
  }
}
