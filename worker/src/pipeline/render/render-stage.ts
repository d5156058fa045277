/**
 * @module worker/pipeline/render/render-stage
 * The render stage (mode `browser`): a warm page from the pool first, then admission (so a slot
 * is not spent waiting for a page), then navigation, `waitFor` and the DOM. Main-frame
 * navigations after the first go through the gate's `hop`. The page goes back to the pool
 * before the outputs run (browser/page-renderer.ts).
 */
import type { PageRenderer } from '../../browser/page-renderer.ts';
import { pageOf, type Loader } from '../page/page.ts';

export function renderStage(renderer: PageRenderer): Loader {
  return async ({ ctx, admission, fetchedAt }) => {
    const { url, waitFor } = ctx.options;
    const fetched = await renderer.render({
      url, waitFor, timeoutMs: ctx.deadline.timeoutMs, signal: ctx.signal, admit: admission.admit,
      ...(admission.hop ? { onNavigation: admission.hop } : {}),
    });
    return pageOf(fetched, fetchedAt);
  };
}
