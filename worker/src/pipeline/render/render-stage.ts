/**
 * @module worker/pipeline/render/render-stage
 * The render stage (mode `browser`): a warm page from the pool first, then admission (so a slot
 * is not spent waiting for a page), then navigation, `waitFor` and the DOM. Main-frame
 * navigations after the first go through the gate's `hop`. Outputs that need the browser run
 * in `whileLive` with the live page; the page goes back to the pool before the other outputs
 * run (browser/page-renderer.ts). The job's request options (worker/src/request/) go with it.
 */
import type { PageRenderer } from '../../browser/page-renderer.ts';
import { browserRequestFor } from '../../request/browser-request.ts';
import { isPlainRequest, requestSettings } from '../../request/request-settings.ts';
import { pageOf, type Loader } from '../page/page.ts';
import { InvalidJobError } from '../../errors/index.ts';

export function renderStage(renderer: PageRenderer): Loader {
  return async ({ ctx, admission, fetchedAt, whileLive, route }) => {
    const { url, waitFor } = ctx.options;
    if (route?.transport) throw new InvalidJobError(['proxy: browser mode cannot use a proxy on this worker yet']);
    const settings = requestSettings(ctx.options);
    const plain = isPlainRequest(settings) && !settings.device && !settings.locale && !settings.timezone && !ctx.options.blockResources;
    const fetched = await renderer.render({
      url, waitFor, timeoutMs: ctx.deadline.timeoutMs, signal: ctx.signal, admit: admission.admit,
      ...(plain ? {} : { request: browserRequestFor(url, settings) }),
      ...(admission.hop ? { onNavigation: admission.hop } : {}),
      ...(whileLive ? { whileLive: (browser, live) => whileLive({ ...pageOf(live, fetchedAt), browser }) } : {}),
    });
    return pageOf(fetched, fetchedAt);
  };
}
