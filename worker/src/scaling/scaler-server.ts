/**
 * @module worker/scaling/scaler-server
 * Serves the scaling signal: `GET /keda/eligible-backlog` for KEDA's metrics-api scaler and
 * `GET /metrics` (Prometheus) with the same numbers as gauges. Each scrape measures afresh;
 * concurrent scrapes share one measurement.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import type { EligibleBacklog } from './eligible-backlog.ts';
import { desiredReplicas, type ScalingRule } from './scaling-rule.ts';

export interface ScalerServerOptions {
  measure: () => Promise<EligibleBacklog>;
  rule: ScalingRule;
  port?: number;
  host?: string;
}

export interface ScalerServer {
  port: number;
  close(): Promise<void>;
}

export async function startScalerServer(options: ScalerServerOptions): Promise<ScalerServer> {
  const { measure, rule, port = 9465, host = '0.0.0.0' } = { ...options };
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const runnable = gauge('quarry_runnable_jobs', 'Jobs runnable now: waiting + prioritized + due delayed');
  const eligible = gauge('quarry_eligible_backlog', 'Runnable jobs that politeness lets start now (the scaling signal)');
  const inFlight = gauge('quarry_in_flight_jobs', 'Jobs running now');
  const demand = gauge('quarry_scaling_demand', 'eligible backlog + in-flight jobs');
  const desired = gauge('quarry_desired_replicas', 'ceil(demand / slots per pod), clamped to min/max');
  const byDomain = gauge('quarry_domain_eligible_backlog', 'Eligible backlog by domain (sampled)', ['domain', 'limited_by']);

  let inflight: Promise<EligibleBacklog> | undefined;
  const measureOnce = () => (inflight ??= measure().finally(() => { inflight = undefined; }));

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => { res.writeHead(status, { 'content-type': type }); res.end(body); };
    if (path === '/healthz') return reply(200, 'application/json', '{"status":"ok"}');
    if (path !== '/keda/eligible-backlog' && path !== '/metrics') return reply(404, 'application/json', '{"error":"not found"}');
    measureOnce().then(async (m) => {
      const want = desiredReplicas(m.demand, rule);
      if (path === '/keda/eligible-backlog') {
        return reply(200, 'application/json', JSON.stringify({ ...m, slotsPerPod: rule.slotsPerPod, desiredReplicas: want }));
      }
      runnable.set(m.runnable); eligible.set(m.eligibleBacklog); inFlight.set(m.inFlight); demand.set(m.demand); desired.set(want);
      byDomain.reset();
      for (const d of m.domains) byDomain.set({ domain: d.domain, limited_by: d.reason }, d.eligible);
      return reply(200, registry.contentType, await registry.metrics());
    }).catch((error: unknown) => reply(503, 'application/json', JSON.stringify({ error: `broker unavailable: ${(error as Error).message}` })));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
