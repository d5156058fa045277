/**
 * @module test/worker/pipeline/outputs
 * Output modules: defineOutput's defaults, and the outputs stage running them in order and
 * gathering their parts.
 */
import { describe, expect, it } from 'vitest';
import { defineOutput, emptyOutputs, runOutputs } from '../../../worker/src/pipeline/outputs/index.ts';
import type { Page } from '../../../worker/src/pipeline/page/page.ts';
import { testContext } from './context.ts';

const page: Page = {
  url: 'http://127.0.0.2/', finalUrl: 'http://127.0.0.2/', status: 200, contentType: 'text/html', headers: {},
  html: '<title>t</title>', fetchedAt: '2026-01-01T00:00:00.000Z', bytes: 16,
};

describe('defineOutput', () => {
  it('defaults to every job, without the browser', () => {
    const output = defineOutput({ name: 'probe', run: async () => ({}) });
    expect(output.needsBrowser).toBe(false);
    expect(output.wanted(testContext({ url: page.url }).options)).toBe(true);
  });
});

describe('runOutputs', () => {
  it('runs outputs in order with the page, the job options and the context, and merges their parts', async () => {
    const ctx = testContext({ url: page.url, extract: { h: 'h1' } });
    const order: string[] = [];
    const first = defineOutput({
      name: 'first',
      async run(seen, options, seenCtx) {
        order.push('first');
        expect([seen, options, seenCtx]).toEqual([page, ctx.options, ctx]);
        return { result: { title: 'T' }, artifacts: [{ name: 'a.png', type: 'screenshot', contentType: 'image/png', bytes: new Uint8Array([1]) }] };
      },
    });
    const second = defineOutput({ name: 'second', run: async () => (order.push('second'), { result: { extract: { h: 'x' } } }) });
    const produced = await runOutputs([first, second], page, ctx, emptyOutputs());
    expect(order).toEqual(['first', 'second']);
    expect(produced.result).toEqual({ title: 'T', extract: { h: 'x' } });
    expect(produced.artifacts.map((artifact) => artifact.name)).toEqual(['a.png']);
  });

  it('stops at the first output that throws', async () => {
    const boom = new Error('too large');
    let ranAfter = false;
    const outputs = [
      defineOutput({ name: 'fails', run: async () => { throw boom; } }),
      defineOutput({ name: 'after', run: async () => ((ranAfter = true), {}) }),
    ];
    await expect(runOutputs(outputs, page, testContext({ url: page.url }), emptyOutputs())).rejects.toBe(boom);
    expect(ranAfter).toBe(false);
  });
});
