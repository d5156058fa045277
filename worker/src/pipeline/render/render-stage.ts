/**
 * @module worker/pipeline/render/render-stage
 * The render stage (mode `browser`): a warm page from the pool first, then admission (so a slot
 * is not spent waiting for a page), then navigation, `waitFor` and the DOM. Main-frame
 * navigations after the first go through the gate's `hop`. Outputs that need the browser run
 * in `whileLive` with the live page; the page goes back to the pool before the other outputs
 * run (browser/page-renderer.ts). The job's request options (worker/src/request/) go with it,
 * and its proxy: the page slot's guarded proxy chains to it for this job.
 */
import type { PageRenderer } from '../../browser/page-renderer.ts';
import { browserRequestFor } from '../../request/browser-request.ts';
import { isPlainRequest, requestSettings } from '../../request/request-settings.ts';
import { pageOf, type Loader } from '../page/page.ts';

export function renderStage(renderer: PageRenderer): Loader {
  return async ({ ctx, admission, fetchedAt, whileLive, loadAssets, route, beforeRead }) => {
    const { url, waitFor } = ctx.options;
    const settings = requestSettings(ctx.options);
    const session = route?.session;
    const plain = isPlainRequest(settings) && !settings.device && !settings.locale && !settings.timezone && !ctx.options.blockResources && !session;
    const fetched = await renderer.render({
      url, waitFor, timeoutMs: ctx.deadline.timeoutMs, signal: ctx.signal, admit: admission.admit,
      ...(plain ? {} : { request: browserRequestFor(url, settings, session?.cookies, session ? (cookies) => route!.keepCookies(cookies) : undefined) }),
      ...(route?.transport ? { proxy: route.transport } : {}),
      ...(beforeRead ? { beforeRead } : {}),
      ...(admission.hop ? { onNavigation: admission.hop } : {}),
      // A job's own blockResources wins over loadAssets: it said what it does not want loaded.
      ...(loadAssets && !ctx.options.blockResources ? { loadAssets } : {}),
      ...(whileLive ? { whileLive: (browser, live) => whileLive({ ...pageOf(live, fetchedAt), browser }) } : {}),
    });
    return pageOf(fetched, fetchedAt);
  };
}
