/**
 * @module worker/actions/press
 * `{type: "press", key}`: one key press (Enter, Tab, ArrowDown, a, …) on the focused element.
 */
import type { KeyInput } from 'puppeteer-core';
import { ActionStepError, type ActionRunner } from './define-action.ts';

export const pressAction: ActionRunner<'press'> = async (action, { page }) => {
  try {
    await page.keyboard.press(action.key as KeyInput);
  } catch (error) {
    if (/Unknown key/.test((error as Error).message)) throw new ActionStepError(`unknown key "${action.key}"`);
    throw error;
  }
};
