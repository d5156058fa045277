/**
 * The worker's Prometheus endpoint counts what its jobs did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => h.close());

describe('worker metrics', () => {
  it('serves completed, failed and duration figures by mode at /metrics', async () => {
    const healthPort = await freePort();
    await h.startWorker({ healthPort, healthHost: '127.0.0.1' });
    const ok = await h.add({ url: h.site.url(HOST_A, '/page/7') });
    const bad = await h.add({ url: h.site.url(HOST_A, '/status/404') });
    await h.settled(ok, ['completed']);
    await h.settled(bad, ['failed']);
    const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(text).toMatch(/quarry_jobs_completed_total\{mode="http"\} 1/);
    expect(text).toMatch(/quarry_jobs_failed_total\{mode="http",reason="PermanentHttpStatusError"\} 1/);
    expect(text).toMatch(/quarry_job_duration_seconds_count\{mode="http",outcome="completed"\} 1/);
  });
});
