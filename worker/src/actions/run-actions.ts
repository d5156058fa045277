/**
 * @module worker/actions/run-actions
 * Runs a job's `actions` in order on the live page, inside the render stage before the DOM is
 * read (so the outputs see the page the actions left). A failing action fails the job with its
 * index and reason, e.g. `action 3 (click '#more'): no element matches`; the class decides the
 * retry: a missing element or a throwing script is final (ActionFailedError), a wait that ran
 * out of time is retried (ActionTimeoutError), a crashed page stays a browser crash.
 */
import { TimeoutError, type Page } from 'puppeteer-core';
import type { Action, ActionsResult } from '../../../shared/scrape-options/index.ts';
import { NonRetryableError, RetryableError } from '../errors/index.ts';
import type { OutputArtifact } from '../pipeline/outputs/index.ts';
import { clickAction } from './click.ts';
import { ActionStepError, type ActionRunner, type ActionsState } from './define-action.ts';
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

/** `click '#more'`, `wait 500 ms`, `press 'Enter'`: how an action is named in its error. */
export function describeAction(action: Action): string {
  switch (action.type) {
    case 'wait': return action.selector !== undefined ? `wait '${action.selector}'` : `wait ${action.milliseconds} ms`;
    case 'click': return `click '${action.selector}'`;
    case 'write': return action.selector !== undefined ? `write '${action.selector}'` : 'write';
    case 'press': return `press '${action.key}'`;
    case 'scroll': return `scroll ${action.direction}${action.selector !== undefined ? ` '${action.selector}'` : ''}`;
    default: return action.type;
  }
}

/** An action failed for a reason another try would meet again. */
export class ActionFailedError extends NonRetryableError {
  readonly index: number;
  constructor(index: number, action: Action, reason: string, cause?: unknown) {
    super(`action ${index} (${describeAction(action)}): ${reason}`, { cause });
    this.index = index;
  }
}

/** An action's wait ran out of time: the page may be faster next time. */
export class ActionTimeoutError extends RetryableError {
  readonly index: number;
  constructor(index: number, action: Action, cause?: unknown) {
    super(`action ${index} (${describeAction(action)}): timed out`, { cause });
    this.index = index;
  }
}

export interface ActionsOutcome {
  result: ActionsResult;
  artifacts: OutputArtifact[];
}

export async function runActions(page: Page, actions: readonly Action[], remainingMs: () => number): Promise<ActionsOutcome> {
  const state: ActionsState = { page, index: 0, result: { screenshots: [], javascriptReturns: [], scrapes: [] }, artifacts: [], remainingMs };
  for (const [index, action] of actions.entries()) {
    state.index = index;
    try {
      await (RUNNERS[action.type] as ActionRunner<Action['type']>)(action, state);
    } catch (error) {
      if (error instanceof ActionStepError) throw new ActionFailedError(index, action, error.message, error);
      if (error instanceof TimeoutError) throw new ActionTimeoutError(index, action, error);
      // A page that went away (crash, navigation to a refused URL) keeps its own error.
      throw error;
    }
  }
  return { result: state.result, artifacts: state.artifacts };
}
