/**
 * @module worker/errors/browser-errors
 * Errors of the headless browser, as opposed to the page it loads.
 */
import { CriticalError, NonRetryableError, RetryableError } from './retry-policy.ts';

/** Chromium died or disconnected during the job; the pool relaunches it and the job is retried. */
export class BrowserCrashedError extends RetryableError {
  constructor(cause?: unknown) {
    super('Browser crashed or disconnected during the job', { cause });
  }
}

/** Chromium could not be started (resources, a transient failure): retried, maybe elsewhere. */
export class BrowserLaunchError extends RetryableError {
  constructor(cause?: unknown) {
    super('Browser failed to launch', { cause });
  }
}

/** No Chromium executable on this machine: this worker cannot serve browser jobs at all. */
export class BrowserUnavailableError extends CriticalError {
  constructor() {
    super('No Chromium executable: set PUPPETEER_EXECUTABLE_PATH');
  }
}

/** `checkRequest` refused the page's own URL (or a redirect of it): the same on every try. */
export class NavigationBlockedError extends NonRetryableError {
  constructor(cause?: unknown) {
    super('Navigation was blocked by the request check', { cause });
  }
}
