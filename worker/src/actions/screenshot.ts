/**
 * @module worker/actions/screenshot
 * `{type: "screenshot", fullPage?}`: a PNG of the page at this step, handed to the artifacts
 * effect like the screenshot format's (stored through the artifact store's writer); the result
 * names it in `actions.screenshots`.
 */
import type { ActionRunner } from './define-action.ts';

export const screenshotAction: ActionRunner<'screenshot'> = async (action, { page, index, result, artifacts }) => {
  const bytes = await page.screenshot({ type: 'png', fullPage: action.fullPage ?? false });
  const name = `action-${index}.png`;
  artifacts.push({ name, type: 'screenshot', contentType: 'image/png', bytes });
  result.screenshots.push(name);
};
