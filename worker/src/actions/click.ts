/**
 * @module worker/actions/click
 * `{type: "click", selector, all?}`: clicks the first match (or every match, in order), then lets
 * the page settle (what the click fetched, or the page it navigated to).
 */
import { ActionStepError } from './action-errors.ts';
import { clickElement, requireElement, settle, type ActionRunner } from './define-action.ts';

export const clickAction: ActionRunner<'click'> = async (action, state) => {
  const { page } = state;
  if (!action.all) {
    await clickElement(await requireElement(page, action.selector));
  } else {
    const elements = await page.$$(action.selector);
    if (elements.length === 0) throw new ActionStepError('no element matches');
    for (const element of elements) await clickElement(element);
  }
  await settle(state);
};
