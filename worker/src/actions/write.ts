/**
 * @module worker/actions/write
 * `{type: "write", selector?, text}`: types into the element (clicked first to focus it), or
 * into whatever has the focus.
 */
import { requireElement, type ActionRunner } from './define-action.ts';

export const writeAction: ActionRunner<'write'> = async (action, { page }) => {
  if (action.selector !== undefined) await (await requireElement(page, action.selector)).click();
  await page.keyboard.type(action.text);
};
