/**
 * @module test/worker/pipeline/render-stage
 * The render stage's wiring to the renderer: the admission runs once the renderer has a page,
 * later navigations go through the gate, and the Page keeps the renderer's answer. Real
 * Chromium runs in test/worker/worker-browser.test.ts and test/politeness/browser-slot-order.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PageRenderer, RenderOptions } from '../../../worker/src/browser/page-renderer.ts';
import { withAdmission } from '../../../worker/src/pipeline/acquire/admission.ts';
import { renderStage } from '../../../worker/src/pipeline/render/render-stage.ts';
import { recordingGate, testContext } from './context.ts';

const url = 'http://127.0.0.2/js/1';

/** A renderer that "leases a page", admits, navigates once more through onNavigation and answers. */
function fakeRenderer(events: string[]): PageRenderer & { options?: RenderOptions } {
  const renderer: PageRenderer & { options?: RenderOptions } = {
    async render(options) {
      renderer.options = options;
      events.push('page leased');
      await options.admit?.();
      events.push('navigate');
      await options.onNavigation?.(new URL('http://127.0.0.3/after-load'));
      return { url: options.url, finalUrl: options.url, status: 200, contentType: 'text/html', headers: { 'content-type': 'text/html' }, html: '<h1>x</h1>', bytes: 9, redirects: 0 };
    },
  };
  return renderer;
}

describe('render stage', () => {
  it('admits after the page lease, routes later navigations through the gate, and builds the Page', async () => {
    const events: string[] = [];
    const renderer = fakeRenderer(events);
    const gate = recordingGate();
    const ctx = testContext({ url, mode: 'browser', waitFor: 'h1', timeoutMs: 7_000 });
    const page = await withAdmission(gate, ctx, (admission) => renderStage(renderer)({ ctx, admission, fetchedAt: 'at' }));
    expect(events).toEqual(['page leased', 'navigate']);
    expect(gate.calls).toEqual([`enter job-1 ${url} true`, 'hop http://127.0.0.3/after-load', 'release']);
    expect(renderer.options).toMatchObject({ url, waitFor: 'h1', timeoutMs: 7_000, signal: ctx.signal });
    expect(page).toEqual({ url, finalUrl: url, status: 200, contentType: 'text/html', headers: { 'content-type': 'text/html' }, html: '<h1>x</h1>', bytes: 9, fetchedAt: 'at' });
  });

  it('passes no navigation hook without a gate', async () => {
    const renderer = fakeRenderer([]);
    const ctx = testContext({ url, mode: 'browser' });
    await withAdmission(undefined, ctx, (admission) => renderStage(renderer)({ ctx, admission, fetchedAt: 'at' }));
    expect(renderer.options?.onNavigation).toBeUndefined();
    expect(ctx.deadline.at).toBeDefined();
  });
});
