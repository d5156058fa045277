/**
 * @module test/worker/metrics-domain-labels
 * `quarry_throttle_deferrals_total{domain}` keeps a bounded number of series: the first N
 * domains a worker meets are labelled by name, the rest count under `domain="_other"`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { createWorkerMetrics } from '../../worker/src/metrics/worker-metrics.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
const extraSites: TestSite[] = [];
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => {
  await h?.close();
  await Promise.all(extraSites.map((site) => site.close()));
});

/** `domain` label values of the deferral counter in a Prometheus text exposition. */
function deferralDomains(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^quarry_throttle_deferrals_total\{domain="([^"]+)",reason="[^"]+"\} (\d+)$/gm)) {
    counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + Number(match[2]));
  }
  return counts;
}

describe('throttle deferral metric: bounded domain label', () => {
  it('labels the first N domains by name and the rest "_other" (unit)', async () => {
    const metrics = createWorkerMetrics({ defaultMetrics: false, maxDomainLabels: 100 });
    for (let i = 0; i < 150; i++) metrics.throttleDeferred(`site-${i}.test`, 'rate');
    metrics.throttleDeferred('site-0.test', 'cooldown'); // a labelled domain keeps its label
    const domains = deferralDomains(await metrics.registry.metrics());
    expect(domains.size).toBe(101);
    expect(domains.get('_other')).toBe(50);
    expect(domains.get('site-0.test')).toBe(2);
    expect(domains.has('site-120.test')).toBe(false);
  });

  it('a worker meeting 5 throttled domains with QUARRY_METRICS_MAX_DOMAINS=3 exposes 3 names and _other', async () => {
    // Five "domains": the same loopback host on five ports.
    const origins = [h.site.origin(HOST_A)];
    for (let i = 0; i < 4; i++) {
      const site = await startTestSite({ hosts: [HOST_A] });
      extraSites.push(site);
      origins.push(site.origin(HOST_A));
    }
    const healthPort = await freePort();
    // One request per domain per minute: each domain's second job is deferred.
    await h.startWorker({ healthPort, healthHost: '127.0.0.1', domainRates: '1/60000', metricsMaxDomains: 3 });
    for (const origin of origins) {
      await h.add({ url: `${origin}/page/1` });
      await h.add({ url: `${origin}/page/2` });
    }
    const scrape = async () => deferralDomains(await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text());
    const domains = await waitFor(async () => {
      const seen = await scrape();
      return [...seen.values()].reduce((sum, count) => sum + count, 0) >= 5 ? seen : undefined;
    }, { timeoutMs: 20_000, description: 'five deferrals' });
    expect([...domains.keys()].filter((domain) => domain !== '_other')).toHaveLength(3);
    expect(domains.get('_other')).toBe(2);
  });
});
