/**
 * @module test/worker/worker-browser-guard
 * Browser mode behind the production SSRF guard (no test hooks): 127.0.0.3 is configured as
 * forbidden (only 127.0.0.2 is allow-listed), and Chromium must never reach it — not as the
 * job's URL, not as a redirect hop. The page layer of the guard is the only per-request check
 * here (the renderer does not repeat it), so this is what proves that layer holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultKey } from '../../shared/keys.ts';
import { expectedJsPage } from '../support/test-site-pages.ts';
import { HOST_A, HOST_B, startHarness, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.startWorker({ allowPrivateCidrs: `${HOST_A}/32` });
});
afterAll(async () => {
  await h?.close();
});

const extract = { rendered: '#rendered' };

describe('worker, browser mode, production SSRF guard', () => {
  it('renders an allowed page and never requests a forbidden host, directly or through a redirect', async () => {
    h.site.clearLog();
    const allowed = await h.add({ url: h.site.url(HOST_A, '/js/1'), mode: 'browser', waitFor: '#rendered', extract });
    const direct = await h.add({ url: h.site.url(HOST_B, '/js/2'), mode: 'browser', attempts: 3 });
    const hop = h.site.url(HOST_B, '/js/3');
    const redirected = await h.add({ url: h.site.url(HOST_A, `/redirect?to=${encodeURIComponent(hop)}`), mode: 'browser', attempts: 3 });

    expect(await (await h.settled(allowed, ['completed', 'failed'], 30_000)).getState()).toBe('completed');
    const result = JSON.parse((await h.resultClient.get(resultKey(h.prefix, allowed.id!)))!);
    expect(result.extract.rendered).toBe(expectedJsPage(1).rendered);
    for (const job of [direct, redirected]) {
      const done = await h.settled(job, ['completed', 'failed'], 30_000);
      expect(await done.getState()).toBe('failed');
      expect(done.attemptsMade).toBe(1); // refused for good, not retried
    }
    expect(h.site.log.filter((entry) => entry.host === HOST_B)).toEqual([]);
    expect(h.site.log.map((entry) => entry.path)).toContain(`/redirect?to=${encodeURIComponent(hop)}`);
  });
});
