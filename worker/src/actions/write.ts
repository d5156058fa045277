/**
 * @module worker/actions/write
 * `{type: "write", selector?, text}`: types into the element (clicked first to focus it), or
 * into whatever has the focus; then the page settles (a search box may fetch suggestions).
 */
import { clickElement, requireElement, settle, type ActionRunner } from './define-action.ts';

export const writeAction: ActionRunner<'write'> = async (action, state) => {
  const { page } = state;
  if (action.selector !== undefined) await clickElement(await requireElement(page, action.selector));
  await page.keyboard.type(action.text);
  await settle(state);
};
