/**
 * @module worker/actions/define-action
 * One browser action type = one module: `defineAction(type, run)`. `run` acts on the live page
 * and records what it produced in the run's `ActionsState`; it throws `ActionStepError` with a
 * short reason ("no element matches") that run-actions.ts turns into the job's error.
 */
import type { Page } from 'puppeteer-core';
import type { Action, ActionsResult } from '../../../shared/scrape-options/index.ts';
import type { OutputArtifact } from '../pipeline/outputs/index.ts';

export interface ActionsState {
  readonly page: Page;
  /** The action's index in the job's list (screenshot names use it). */
  index: number;
  readonly result: ActionsResult;
  readonly artifacts: OutputArtifact[];
  /** Milliseconds left of the job's deadline. */
  remainingMs(): number;
}

export type ActionRunner<T extends Action['type']> = (action: Extract<Action, { type: T }>, state: ActionsState) => Promise<void>;

/** A reason an action failed that retrying cannot change (no such element, a script that throws). */
export class ActionStepError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ActionStepError';
  }
}

/** The first element matching `selector`, or ActionStepError. */
export async function requireElement(page: Page, selector: string) {
  const element = await page.$(selector);
  if (!element) throw new ActionStepError('no element matches');
  return element;
}
