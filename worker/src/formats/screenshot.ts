/**
 * @module worker/formats/screenshot
 * `{"type": "screenshot", "fullPage", "quality", "viewport"}`: the live page as a PNG (or a JPEG
 * when `quality` is set), taken inside the render stage while the page is still leased. The
 * artifacts effect stores it; the result names it in `artifacts`.
 *
 * A job's `viewport` resizes the pooled page for the capture only: the page's own viewport is
 * put back afterwards, since the next job on the same page slot did not ask for it. A full-page
 * capture stops at MAX_FULL_PAGE_HEIGHT CSS pixels (Chromium's own texture limit is 16,384 px;
 * an endless page would otherwise give an image that only fails the size cap after it was made).
 */
import type { Page as BrowserPage, Viewport } from 'puppeteer-core';
import type { ScreenshotFormat } from '../../../shared/scrape-options/index.ts';
import { withTimeout } from '../abortable.ts';
import { defineFormat } from './define-format.ts';
import { CaptureTimeoutError, NoLivePageError } from './format-errors.ts';

export const MAX_FULL_PAGE_HEIGHT = 16_384;

async function documentHeight(live: BrowserPage): Promise<number> {
  return live.evaluate(() => Math.max(document.documentElement?.scrollHeight ?? 0, document.body?.scrollHeight ?? 0));
}

async function capture(live: BrowserPage, shot: ScreenshotFormat): Promise<Uint8Array> {
  const type = shot.quality === undefined ? 'png' : 'jpeg';
  const common = { type, ...(shot.quality === undefined ? {} : { quality: shot.quality }) } as const;
  if (!shot.fullPage) return live.screenshot(common);
  const height = await documentHeight(live);
  if (height <= MAX_FULL_PAGE_HEIGHT) return live.screenshot({ ...common, fullPage: true });
  const width = live.viewport()?.width ?? 800;
  return live.screenshot({ ...common, captureBeyondViewport: true, clip: { x: 0, y: 0, width, height: MAX_FULL_PAGE_HEIGHT } });
}

export const screenshotFormat = defineFormat({
  name: 'screenshot',
  needsBrowser: true,
  async run(page, { entry }, ctx) {
    const live = page.browser;
    if (!live) throw new NoLivePageError('screenshot');
    const shot = entry as ScreenshotFormat;
    const previous: Viewport | null = live.viewport();
    const timeoutMs = ctx.remainingMs?.() ?? 60_000;
    const work = async () => {
      if (shot.viewport) await live.setViewport({ width: shot.viewport.width, height: shot.viewport.height, deviceScaleFactor: 1 });
      try {
        return await capture(live, shot);
      } finally {
        if (shot.viewport && previous) await live.setViewport(previous);
      }
    };
    const bytes = await withTimeout(work(), timeoutMs, () => new CaptureTimeoutError('screenshot', timeoutMs));
    const jpeg = shot.quality !== undefined;
    return {
      artifacts: [{ name: jpeg ? 'screenshot.jpeg' : 'screenshot.png', type: 'screenshot', contentType: jpeg ? 'image/jpeg' : 'image/png', bytes }],
    };
  },
});
