/**
 * @module worker/actions/run-actions
 * Runs a job's `actions` in order on the live page, inside the render stage before the DOM is
 * read (so the outputs see the page the actions left). Each action is bounded by what is left
 * of the job's deadline: a script that never returns or a page that never answers a click ends
 * the job as a time-out, and the renderer discards the page (any error does). A failing action
 * fails the job with its index and reason (action-errors.ts); a crashed page stays a browser crash.
 */
import { TimeoutError, type Page } from 'puppeteer-core';
import type { Action, ActionsResult } from '../../../shared/scrape-options/index.ts';
import { withTimeout } from '../abortable.ts';
import type { OutputArtifact } from '../pipeline/outputs/index.ts';
import { ActionFailedError, ActionStepError, ActionTimeoutError } from './action-errors.ts';
import { clickAction } from './click.ts';
import type { ActionRunner, ActionsState } from './define-action.ts';
import { executeJavascriptAction } from './execute-javascript.ts';
import { pressAction } from './press.ts';
import { scrapeAction } from './scrape.ts';
import { screenshotAction } from './screenshot.ts';
import { scrollAction } from './scroll.ts';
import { waitAction } from './wait.ts';
import { writeAction } from './write.ts';

const RUNNERS: { [T in Action['type']]: ActionRunner<T> } = {
  wait: waitAction, click: clickAction, write: writeAction, press: pressAction, scroll: scrollAction,
  screenshot: screenshotAction, executeJavascript: executeJavascriptAction, scrape: scrapeAction,
};

export interface ActionsOutcome {
  result: ActionsResult;
  artifacts: OutputArtifact[];
}

/** Raised inside withTimeout when the deadline passes mid-action; mapped below. */
class DeadlinePassed extends Error {}

export async function runActions(page: Page, actions: readonly Action[], remainingMs: () => number): Promise<ActionsOutcome> {
  const state: ActionsState = {
    page, index: 0, result: { screenshots: [], javascriptReturns: [], scrapes: [] }, artifacts: [], scrapedBytes: 0, remainingMs,
  };
  for (const [index, action] of actions.entries()) {
    state.index = index;
    try {
      await withTimeout((RUNNERS[action.type] as ActionRunner<Action['type']>)(action, state), remainingMs(), () => new DeadlinePassed());
    } catch (error) {
      if (error instanceof ActionStepError) throw new ActionFailedError(index, action, error.message, error);
      if (error instanceof TimeoutError || error instanceof DeadlinePassed) throw new ActionTimeoutError(index, action, error);
      throw error;
    }
  }
  return { result: state.result, artifacts: state.artifacts };
}
