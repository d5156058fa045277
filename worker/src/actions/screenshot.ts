/**
 * @module worker/actions/screenshot
 * `{type: "screenshot", fullPage?}`: a PNG of the page at this step, handed to the effects as an
 * artifact like the screenshot format's (the artifacts effect stores it and lists it in
 * `result.artifacts`); `actions.screenshots` names it (`action-<index>.png`). A full-page capture
 * stops at MAX_FULL_PAGE_HEIGHT CSS pixels (Chromium's texture limit): an endless feed would
 * otherwise make an image of unbounded size.
 */
import type { ActionRunner } from './define-action.ts';

export const MAX_FULL_PAGE_HEIGHT = 16_384;

export const screenshotAction: ActionRunner<'screenshot'> = async (action, { page, index, result, artifacts }) => {
  let bytes: Uint8Array;
  if (!action.fullPage) {
    bytes = await page.screenshot({ type: 'png' });
  } else {
    const height = await page.evaluate(() => Math.max(document.documentElement?.scrollHeight ?? 0, document.body?.scrollHeight ?? 0));
    bytes = height <= MAX_FULL_PAGE_HEIGHT
      ? await page.screenshot({ type: 'png', fullPage: true })
      : await page.screenshot({ type: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: page.viewport()?.width ?? 800, height: MAX_FULL_PAGE_HEIGHT } });
  }
  const name = `action-${index}.png`;
  artifacts.push({ name, type: 'screenshot', contentType: 'image/png', bytes });
  result.screenshots.push(name);
};
