/**
 * @module worker/pipeline/fetch/fetch-stage
 * The fetch stage (mode `http`): admit, then one undici fetch with the job's deadline; every
 * redirect hop goes through the gate's `hop` (robots.txt and a slot of the hop's site). The
 * job's request options (method, body, headers, cookies: worker/src/request/) go with it, through
 * the job's proxy when it has one (the SSRF guard still checks every hop's URL first).
 */
import type { HttpFetcher } from '../../http/http-fetcher.ts';
import { fetchRequestFor } from '../../request/fetch-request.ts';
import { requestSettings } from '../../request/request-settings.ts';
import { pageOf, type Loader } from '../page/page.ts';

export function fetchStage(fetcher: HttpFetcher): Loader {
  return async ({ ctx, admission, fetchedAt, route }) => {
    const request = await fetchRequestFor(ctx.options.url, requestSettings(ctx.options), route?.session?.cookies);
    await admission.admit();
    const fetched = await fetcher.fetch(ctx.options.url, {
      timeoutMs: ctx.deadline.timeoutMs, signal: ctx.signal, urlChecked: admission.urlChecked,
      ...(admission.hop ? { onRedirect: admission.hop } : {}),
      ...(request ? { request } : {}),
      ...(route?.transport ? { dispatcher: route.transport.dispatcher } : {}),
    });
    if (route?.session && request?.cookies) route.keepCookies(await request.cookies.stored());
    return pageOf(fetched, fetchedAt);
  };
}
