/**
 * @module worker/actions/press
 * `{type: "press", key}`: one key press (Enter, Tab, ArrowDown, a, …) on the focused element,
 * then the page settles (Enter may submit a form).
 */
import type { KeyInput } from 'puppeteer-core';
import { ActionStepError } from './action-errors.ts';
import { settle, type ActionRunner } from './define-action.ts';

export const pressAction: ActionRunner<'press'> = async (action, state) => {
  try {
    await state.page.keyboard.press(action.key as KeyInput);
  } catch (error) {
    if (/Unknown key/.test((error as Error).message)) throw new ActionStepError(`unknown key "${action.key}"`);
    throw error;
  }
  await settle(state);
};
