/**
 * @module worker/pipeline/fetch/fetch-stage
 * The fetch stage (mode `http`): admit, then one undici fetch with the job's deadline; every
 * redirect hop goes through the gate's `hop` (robots.txt and a slot of the hop's site). The
 * job's request options (method, body, headers, cookies: worker/src/request/) go with it, through
 * the job's proxy when it has one (the SSRF guard still checks every hop's URL first).
 *
 * A crawl's page does not follow redirects: the redirect is the page (its status and
 * `Location`), and the crawl treats the target as a link it found (worker/src/crawls/), so the
 * target is deduplicated, scoped and counted against the limit like any other URL, and never
 * fetched twice or outside the crawl's scope.
 */
import type { HttpFetcher } from '../../http/http-fetcher.ts';
import { fetchRequestFor } from '../../request/fetch-request.ts';
import { requestSettings } from '../../request/request-settings.ts';
import { pageOf, type Loader, type Page } from '../page/page.ts';

/** Ends a crawl page's fetch at its first redirect (thrown from the fetcher's onRedirect). */
class RedirectNotFollowed extends Error {
  override name = 'RedirectNotFollowed';
  readonly target: URL;
  readonly status: number;
  constructor(target: URL, status: number) {
    super(`redirect to ${target.href} not followed`);
    this.target = target;
    this.status = status;
  }
}

function redirectPage(url: string, stop: RedirectNotFollowed, fetchedAt: string): Page {
  return { url, finalUrl: url, status: stop.status, contentType: null, headers: { location: stop.target.href }, html: null, fetchedAt, bytes: 0 };
}

export function fetchStage(fetcher: HttpFetcher): Loader {
  return async ({ ctx, admission, fetchedAt, route }) => {
    const request = await fetchRequestFor(ctx.options.url, requestSettings(ctx.options), route?.session?.cookies);
    await admission.admit();
    const crawlPage = ctx.data.crawl !== undefined;
    const stopAtRedirect = async (target: URL, status: number) => { throw new RedirectNotFollowed(target, status); };
    try {
      const fetched = await fetcher.fetch(ctx.options.url, {
        timeoutMs: ctx.deadline.timeoutMs, signal: ctx.signal, urlChecked: admission.urlChecked,
        ...(crawlPage ? { onRedirect: stopAtRedirect } : admission.hop ? { onRedirect: admission.hop } : {}),
        ...(request ? { request } : {}),
        ...(route?.transport ? { dispatcher: route.transport.dispatcher } : {}),
      });
      if (route?.session && request?.cookies) route.keepCookies(await request.cookies.stored());
      return pageOf(fetched, fetchedAt);
    } catch (error) {
      if (error instanceof RedirectNotFollowed) return redirectPage(ctx.options.url, error, fetchedAt);
      throw error;
    }
  };
}
