/**
 * @module test/worker/action-outputs
 * What the screenshot and scrape actions hand on, on a real Chromium page: PNG files for the
 * artifacts effect (named in `actions.screenshots`), a full-page capture of an endless page cut
 * at 16,384 px, and scrapes that together stay under their HTML cap.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../dev/local/system-deps.ts';
import { ActionFailedError } from '../../worker/src/actions/action-errors.ts';
import { runActions } from '../../worker/src/actions/run-actions.ts';
import { MAX_FULL_PAGE_HEIGHT } from '../../worker/src/actions/screenshot.ts';
import { launchChromium, stopChromium } from '../../worker/src/browser/browser-launch.ts';
import { startActionSite, type ActionSite } from '../support/action-pages.ts';
import { HOST_A } from './harness.ts';

let browser: Browser;
let page: Page;
let site: ActionSite;

beforeAll(async () => {
  [browser, site] = await Promise.all([launchChromium({ executablePath: findChromium(), timeoutMs: 30_000 }), startActionSite(HOST_A)]);
  page = await browser.newPage();
  await page.setViewport({ width: 800, height: 600, deviceScaleFactor: 1 });
});
afterAll(async () => {
  await Promise.all([browser && stopChromium(browser, 5_000), site?.close()]);
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(bytes);
  expect(view.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

describe('screenshot and scrape actions', () => {
  it('hands each screenshot on as a PNG artifact named in the result, the viewport or the full page', async () => {
    await page.goto(site.url('/scroll'));
    const { result, artifacts } = await runActions(page, [{ type: 'screenshot' }, { type: 'scrape' }, { type: 'screenshot', fullPage: true }], () => 10_000);
    expect(result.screenshots).toEqual(['action-0.png', 'action-2.png']);
    expect(artifacts.map(({ name, type, contentType }) => ({ name, type, contentType }))).toEqual([
      { name: 'action-0.png', type: 'screenshot', contentType: 'image/png' },
      { name: 'action-2.png', type: 'screenshot', contentType: 'image/png' },
    ]);
    expect(pngSize(artifacts[0]!.bytes)).toEqual({ width: 800, height: 600 });
    expect(pngSize(artifacts[1]!.bytes).height).toBeGreaterThanOrEqual(2_000); // five 400 px posts
    expect(result.scrapes).toEqual([{ url: site.url('/scroll'), html: expect.stringContaining('post 5') }]);
    expect(page.viewport()).toMatchObject({ width: 800, height: 600 });
  });

  it('cuts a full-page screenshot of a 40,000 px page at 16,384 px', async () => {
    await page.goto(site.url('/tall'));
    const { artifacts } = await runActions(page, [{ type: 'screenshot', fullPage: true }], () => 20_000);
    expect(pngSize(artifacts[0]!.bytes)).toEqual({ width: 800, height: MAX_FULL_PAGE_HEIGHT });
  });

  it('fails the scrape that takes the job past 5 MiB of scraped HTML', async () => {
    await page.goto(site.url('/big'));
    const failed = await runActions(page, [{ type: 'scrape' }, { type: 'scrape' }], () => 10_000).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ActionFailedError);
    expect((failed as Error).message).toBe('action 1 (scrape): the scrapes hold more than 5242880 bytes of HTML in all');
  });
});
