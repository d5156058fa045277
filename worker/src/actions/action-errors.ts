/**
 * @module worker/actions/action-errors
 * How a failing browser action fails its job. An action module throws `ActionStepError` with a
 * short reason ("no element matches"); run-actions.ts turns it into the job's error, named by
 * the action's index and what it did: `action 3 (click '#more'): no element matches`. The class
 * is the retry policy: a reason another try would meet again is final, a time-out is retried.
 */
import type { Action } from '../../../shared/scrape-options/index.ts';
import { NonRetryableError, RetryableError } from '../errors/index.ts';

/** A reason an action failed that retrying cannot change (no such element, a script that throws). */
export class ActionStepError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ActionStepError';
  }
}

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

/** An action ran out of time (its wait, or the job's deadline): the page may be faster next time. */
export class ActionTimeoutError extends RetryableError {
  readonly index: number;
  constructor(index: number, action: Action, cause?: unknown) {
    super(`action ${index} (${describeAction(action)}): timed out`, { cause });
    this.index = index;
  }
}
