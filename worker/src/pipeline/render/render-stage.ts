/**
 * @module worker/pipeline/render/render-stage
 * The render stage (mode `browser`): a warm page from the pool first, then admission (so a slot
 * is not spent waiting for a page), then navigation, `waitFor` and the DOM. Main-frame
 * navigations after the first go through the gate's `hop`. Outputs that need the browser run
 * in `whileLive` with the live page; the page goes back to the pool before the other outputs
 * run (browser/page-renderer.ts).
 */
import type { PageRenderer } from '../../browser/page-renderer.ts';
import { pageOf, type Loader } from '../page/page.ts';

export function renderStage(renderer: PageRenderer): Loader {
  return async ({ ctx, admission, fetchedAt, whileLive, loadAssets }) => {
    const { url, waitFor } = ctx.options;
    const fetched = await renderer.render({
      url, waitFor, timeoutMs: ctx.deadline.timeoutMs, signal: ctx.signal, admit: admission.admit,
      ...(admission.hop ? { onNavigation: admission.hop } : {}),
      ...(loadAssets ? { loadAssets } : {}),
      ...(whileLive ? { whileLive: (browser, live) => whileLive({ ...pageOf(live, fetchedAt), browser }) } : {}),
    });
    return pageOf(fetched, fetchedAt);
  };
}
