/**
 * @module worker/browser/page-emulation
 * A job's user agent, Accept-Language, locale, time zone and device on a warm page, and back to
 * the defaults for the next job. Each page remembers what it last had applied; a job sends only
 * what differs from that, so jobs without such options cost no CDP call, and a job after one
 * that had them sends the resets. Nothing a job sets outlives it on the page
 * (test/worker/browser-isolation.test.ts).
 *
 * CDP, measured in chromium-headless-shell 156: `Emulation.setUserAgentOverride` with an empty
 * user agent ends the override (navigator.userAgent and the header are the launch flag's again);
 * `acceptLanguage` sets both the Accept-Language header and navigator.languages;
 * `setTimezoneOverride` with '' and `setLocaleOverride` without a locale end theirs.
 */
import type { CDPSession, Page, Viewport } from 'puppeteer-core';

export interface Emulation {
  userAgent: string | undefined;
  acceptLanguage: string | undefined;
  locale: string | undefined;
  timezone: string | undefined;
  /** Undefined: Puppeteer's default window (800×600, no touch). */
  viewport: Required<Pick<Viewport, 'width' | 'height' | 'deviceScaleFactor' | 'isMobile' | 'hasTouch'>> | undefined;
}

export const DEFAULT_EMULATION: Emulation = { userAgent: undefined, acceptLanguage: undefined, locale: undefined, timezone: undefined, viewport: undefined };
/** Puppeteer's launch default, restored after a job with a device. */
const DEFAULT_VIEWPORT = { width: 800, height: 600, deviceScaleFactor: 1, isMobile: false, hasTouch: false };

interface PageState {
  cdp: CDPSession;
  applied: Emulation;
}

const states = new WeakMap<Page, PageState>();

async function stateOf(page: Page): Promise<PageState> {
  let state = states.get(page);
  if (!state) {
    // A session of our own, kept for the page's life: overrides end when the session that set them detaches.
    state = { cdp: await page.createCDPSession(), applied: DEFAULT_EMULATION };
    states.set(page, state);
  }
  return state;
}

const userAgents = new WeakMap<object, Promise<string>>();

function browserUserAgent(page: Page): Promise<string> {
  const browser = page.browser();
  let known = userAgents.get(browser);
  if (!known) userAgents.set(browser, (known = browser.userAgent()));
  return known;
}

const same = (a: Emulation['viewport'], b: Emulation['viewport']) => JSON.stringify(a) === JSON.stringify(b);

/** Brings `page` to `wanted` (the job's emulation, or `DEFAULT_EMULATION`), sending only the differences. */
export async function applyEmulation(page: Page, wanted: Emulation): Promise<void> {
  const state = states.get(page);
  const applied = state?.applied ?? DEFAULT_EMULATION;
  if (applied === wanted) return;
  const work: Promise<unknown>[] = [];
  const { cdp } = state ?? (await stateOf(page));
  if (applied.userAgent !== wanted.userAgent || applied.acceptLanguage !== wanted.acceptLanguage) {
    // An Accept-Language alone still needs a user agent in the override: the browser's own.
    const userAgent = wanted.userAgent ?? (wanted.acceptLanguage ? await browserUserAgent(page) : '');
    work.push(cdp.send('Emulation.setUserAgentOverride', { userAgent, ...(wanted.acceptLanguage ? { acceptLanguage: wanted.acceptLanguage } : {}) }));
  }
  if (applied.locale !== wanted.locale) work.push(cdp.send('Emulation.setLocaleOverride', wanted.locale ? { locale: wanted.locale } : {}));
  if (applied.timezone !== wanted.timezone) work.push(cdp.send('Emulation.setTimezoneOverride', { timezoneId: wanted.timezone ?? '' }));
  // setViewport reloads the page when isMobile changes: it is on about:blank between jobs, so that is cheap.
  if (!same(applied.viewport, wanted.viewport)) work.push(page.setViewport(wanted.viewport ?? DEFAULT_VIEWPORT));
  // Recorded only once every override went through: a failure leaves the page to be discarded.
  await Promise.all(work);
  (states.get(page) ?? (await stateOf(page))).applied = wanted;
}
