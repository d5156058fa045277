/**
 * @module test/worker/pipeline/fetch-stage
 * The fetch stage against the loopback test site: admission before the request, redirect hops
 * through the gate, and the Page it builds (headers, fetchedAt).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetcher } from '../../../worker/src/http/http-fetcher.ts';
import { withAdmission } from '../../../worker/src/pipeline/acquire/admission.ts';
import { fetchStage } from '../../../worker/src/pipeline/fetch/fetch-stage.ts';
import { expectedPage } from '../../support/test-site-pages.ts';
import { startTestSite, type TestSite } from '../../support/test-site.ts';
import { recordingGate, testContext } from './context.ts';

const A = '127.0.0.2';
const B = '127.0.0.3';
let site: TestSite;
beforeAll(async () => {
  site = await startTestSite({ hosts: [A, B] });
});
afterAll(async () => {
  await site?.close();
});

const checked: string[] = [];
const load = fetchStage(createHttpFetcher({
  userAgent: 'QuarryTest/1', maxBodyBytes: 64 * 1024, maxRedirects: 5, checkUrl: async (url) => void checked.push(url.href),
}));

describe('fetch stage', () => {
  it('admits the job before its request and builds the Page', async () => {
    site.clearLog();
    let requestsAtEntry = -1;
    const gate = recordingGate({ onEnter: () => (requestsAtEntry = site.log.length) });
    const ctx = testContext({ url: site.url(A, '/page/3') });
    const page = await withAdmission(gate, ctx, (admission) => load({ ctx, admission, fetchedAt: '2026-01-01T00:00:00.000Z' }));
    expect(requestsAtEntry).toBe(0);
    expect(page).toMatchObject({
      url: site.url(A, '/page/3'), finalUrl: site.url(A, '/page/3'), status: 200, fetchedAt: '2026-01-01T00:00:00.000Z',
      contentType: expect.stringMatching(/^text\/html/),
    });
    expect(page.headers['content-type']).toBe(page.contentType);
    expect(page.html).toContain(`<h1>${expectedPage(3).h1}</h1>`);
    expect(page.bytes).toBe(Buffer.byteLength(page.html!));
    expect(Object.keys(page).sort()).toEqual(['bytes', 'contentType', 'fetchedAt', 'finalUrl', 'headers', 'html', 'status', 'url']);
    expect(gate.calls).toEqual([`enter job-1 ${site.url(A, '/page/3')} true`, 'release']);
    expect(site.log).toHaveLength(1);
  });

  it('sends each redirect hop through the gate, and skips the SSRF check the gate already ran', async () => {
    checked.length = 0;
    const gate = recordingGate();
    const target = site.url(B, '/page/2');
    const start = site.url(A, `/redirect?to=${encodeURIComponent(target)}`);
    const ctx = testContext({ url: start });
    const page = await withAdmission(gate, ctx, (admission) => load({ ctx, admission, fetchedAt: new Date().toISOString() }));
    expect(page.finalUrl).toBe(target);
    expect(gate.calls).toEqual([`enter job-1 ${start} true`, `hop ${target}`, 'release']);
    expect(checked).toEqual([target]); // the recording gate's pass says urlChecked
  });
});
