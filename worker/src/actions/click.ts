/**
 * @module worker/actions/click
 * `{type: "click", selector, all?}`: clicks the first match (or every match, in order).
 */
import { ActionStepError, requireElement, type ActionRunner } from './define-action.ts';

export const clickAction: ActionRunner<'click'> = async (action, { page }) => {
  if (!action.all) {
    await (await requireElement(page, action.selector)).click();
    return;
  }
  const elements = await page.$$(action.selector);
  if (elements.length === 0) throw new ActionStepError('no element matches');
  for (const element of elements) await element.click();
};
