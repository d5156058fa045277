/**
 * @module worker/formats/pdf
 * `{"type": "pdf"}`: the live page printed by Chromium (A4, backgrounds printed, the page's own
 * print styles apply), inside the render stage while the page is still leased. The artifacts
 * effect stores it; the result names it in `artifacts`.
 */
import { defineFormat } from './define-format.ts';
import { CaptureTimeoutError, NoLivePageError } from './format-errors.ts';

export const pdfFormat = defineFormat({
  name: 'pdf',
  needsBrowser: true,
  async run(page, _options, ctx) {
    const live = page.browser;
    if (!live) throw new NoLivePageError('pdf');
    const timeoutMs = ctx.remainingMs?.() ?? 60_000;
    let bytes: Uint8Array;
    try {
      bytes = await live.pdf({ format: 'A4', printBackground: true, timeout: timeoutMs });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') throw new CaptureTimeoutError('pdf', timeoutMs);
      throw error;
    }
    return { artifacts: [{ name: 'page.pdf', type: 'pdf', contentType: 'application/pdf', bytes }] };
  },
});
