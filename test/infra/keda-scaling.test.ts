/**
 * @module test/infra/keda-scaling
 * The KEDA ScaledObject and the scaler-metrics service it reads: target Deployment, 0→N bounds and
 * scale-in damping, a metrics-api URL that reaches the scaler Service and container port, a target
 * of one pod's job slots, and — against the real scaler server — a path and valueLocation that
 * yield the demand number.
 */
import { describe, expect, it } from 'vitest';
import type { EligibleBacklog } from '../../worker/src/scaling/eligible-backlog.ts';
import { startScalerServer } from '../../worker/src/scaling/scaler-server.ts';
import { loadBuildLayout, sourceOf } from './build-layout.ts';
import { containersOf, findOne, loadManifests, where, type K8sObject } from './k8s-manifests.ts';
import { WORKER_ENV } from './known-env.ts';
import { repoHas } from './repo.ts';

const manifests = loadManifests();
const scaled = findOne(manifests, 'ScaledObject');
const spec = scaled.object.spec as K8sObject;
const trigger = ((spec.triggers ?? []) as K8sObject[]).find((t) => t.type === 'metrics-api');
const configMap = findOne(manifests, 'ConfigMap');
const secret = findOne(manifests, 'Secret');
const scaler = findOne(manifests, 'Deployment', 'quarry-scaler');
const scalerContainer = containersOf(scaler)[0]!;
const at = (path: string) => `${where(scaled)}: ${path}`;

/** KEDA's valueLocation is a GJSON path; ours is a plain dotted one. */
function valueAt(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body);
}

describe(scaled.file, () => {
  it('scales the worker Deployment between 0 and a positive maximum', () => {
    const target = spec.scaleTargetRef as K8sObject;
    expect(target?.kind ?? 'Deployment', at('spec.scaleTargetRef.kind')).toBe('Deployment');
    expect(() => findOne(manifests, 'Deployment', target?.name), at(`spec.scaleTargetRef.name "${target?.name}"`)).not.toThrow();
    expect(findOne(manifests, 'Deployment', target.name).object.metadata.namespace, at('namespace vs the target')).toBe(scaled.object.metadata.namespace);
    expect(spec.minReplicaCount, at('spec.minReplicaCount')).toBe(0);
    expect(spec.maxReplicaCount, at('spec.maxReplicaCount')).toBeGreaterThan(0);
    expect(spec.pollingInterval, at('spec.pollingInterval')).toBeGreaterThan(0);
    expect(spec.cooldownPeriod, at('spec.cooldownPeriod')).toBeGreaterThan(0);
  });

  it('reports the same replica bounds and scale-in delay as KEDA applies (ConfigMap mirrors them)', () => {
    const data = configMap.object.data as Record<string, string>;
    expect(Number(data.QUARRY_MIN_REPLICAS), `${configMap.file}: QUARRY_MIN_REPLICAS vs ${scaled.file} spec.minReplicaCount`).toBe(spec.minReplicaCount);
    expect(Number(data.QUARRY_MAX_REPLICAS), `${configMap.file}: QUARRY_MAX_REPLICAS vs ${scaled.file} spec.maxReplicaCount`).toBe(spec.maxReplicaCount);
    expect(Number(data.QUARRY_SCALE_IN_COOLDOWN_SECONDS), `${configMap.file}: QUARRY_SCALE_IN_COOLDOWN_SECONDS vs ${scaled.file} spec.cooldownPeriod`).toBe(spec.cooldownPeriod);
  });

  it('damps scale-in with a stabilization window and scales out without one', () => {
    const behavior = spec.advanced?.horizontalPodAutoscalerConfig?.behavior as K8sObject | undefined;
    expect(behavior?.scaleDown?.stabilizationWindowSeconds, at('advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds')).toBeGreaterThan(0);
    expect(behavior?.scaleUp?.stabilizationWindowSeconds ?? 0, at('behavior.scaleUp.stabilizationWindowSeconds')).toBe(0);
  });

  it('falls back to a fixed count when the metrics cannot be read (needs AverageValue)', () => {
    expect(spec.fallback?.replicas, at('spec.fallback.replicas')).toBeGreaterThan(0);
    expect(spec.fallback.replicas, at('spec.fallback.replicas ≤ maxReplicaCount')).toBeLessThanOrEqual(spec.maxReplicaCount);
    expect(trigger?.metricType ?? 'AverageValue', at('triggers[metrics-api].metricType')).toBe('AverageValue');
  });

  it('targets one pod\'s job slots (QUARRY_CONCURRENCY), so replicas = ceil(demand / slots)', () => {
    expect(trigger, at('triggers[type=metrics-api]')).toBeDefined();
    expect(trigger!.metadata.targetValue, at(`triggers[metrics-api].metadata.targetValue vs ${configMap.file} QUARRY_CONCURRENCY`))
      .toBe(configMap.object.data.QUARRY_CONCURRENCY);
    expect(trigger!.metadata.format ?? 'json', at('triggers[metrics-api].metadata.format')).toBe('json');
  });

  it('reads a URL that reaches the scaler Service, its port, and a container port of the scaler', () => {
    const url = new URL(trigger!.metadata.url as string);
    const [serviceName, namespace] = url.hostname.split('.');
    expect(url.hostname, at('triggers[metrics-api].metadata.url host (KEDA runs in its own namespace: use the full name)'))
      .toMatch(/^[a-z0-9-]+\.[a-z0-9-]+\.svc(\.cluster\.local)?$/);
    const service = findOne(manifests, 'Service', serviceName);
    expect(namespace, at('url namespace')).toBe(service.object.metadata.namespace);
    const port = ((service.object.spec.ports ?? []) as K8sObject[]).find((p) => p.port === Number(url.port));
    expect(port, `${where(service)}: no port ${url.port} (from ${scaled.file} url)`).toBeDefined();
    const containerPort = ((scalerContainer.ports ?? []) as K8sObject[]).find((p) => p.name === port!.targetPort || p.containerPort === port!.targetPort);
    expect(containerPort, `${where(scaler)}: no container port "${port!.targetPort}" behind ${where(service)}`).toBeDefined();
    const configured = ((scalerContainer.env ?? []) as K8sObject[]).find((e) => e.name === 'QUARRY_SCALER_PORT')?.value;
    expect(Number(configured), `${where(scaler)}: env QUARRY_SCALER_PORT vs containerPort`).toBe(containerPort!.containerPort);
  });

  it('reads a path and valueLocation that the scaler server answers with the demand', async () => {
    const measured: EligibleBacklog = { runnable: 40, eligibleBacklog: 25, inFlight: 12, demand: 37, scheduleFires: 0, sampled: 40, domains: [] };
    const server = await startScalerServer({
      measure: async () => measured, port: 0, host: '127.0.0.1',
      rule: { slotsPerPod: Number(trigger!.metadata.targetValue), minReplicas: spec.minReplicaCount, maxReplicas: spec.maxReplicaCount, scaleInCooldownMs: 0 },
    });
    try {
      const url = new URL(trigger!.metadata.url as string);
      const response = await fetch(`http://127.0.0.1:${server.port}${url.pathname}${url.search}`);
      expect(response.status, at(`url path ${url.pathname} on the scaler server`)).toBe(200);
      const value = valueAt(await response.json(), trigger!.metadata.valueLocation as string);
      // Busy slots count: with no backlog left, a working fleet must not be scaled in under its jobs.
      expect(value, at('triggers[metrics-api].metadata.valueLocation (must be the demand: backlog + in flight)')).toBe(measured.demand);
      const health = await fetch(`http://127.0.0.1:${server.port}${scalerContainer.readinessProbe?.httpGet?.path}`);
      expect(health.status, `${where(scaler)}: readinessProbe.httpGet.path on the scaler server`).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe(scaler.file, () => {
  it('runs the compiled metrics entry point under the image\'s tini (args, not command)', () => {
    expect(scalerContainer.command, `${where(scaler)}: containers[0].command (would replace tini)`).toBeUndefined();
    const [node, script] = scalerContainer.args as string[];
    expect(node, `${where(scaler)}: containers[0].args[0]`).toBe('node');
    const source = sourceOf(loadBuildLayout(), script!);
    expect(source, `${where(scaler)}: args[1] ${script} is not emitted by tsconfig.build.json`).toBeDefined();
    expect(repoHas(source!), `${where(scaler)}: ${source} does not exist`).toBe(true);
  });

  it('uses the worker image and the workers\' own ConfigMap, so prefix, slots and politeness agree', () => {
    const worker = containersOf(findOne(manifests, 'Deployment', 'quarry-worker'))[0]!;
    expect(scalerContainer.image, `${where(scaler)}: image`).toBe(worker.image);
    const fromConfigMap = ((scalerContainer.envFrom ?? []) as K8sObject[]).map((e) => e.configMapRef?.name);
    expect(fromConfigMap, `${where(scaler)}: envFrom[].configMapRef.name`).toContain(configMap.object.metadata.name);
    // metrics-main loads the worker configuration (worker/src/config-table.ts).
    for (const env of (scalerContainer.env ?? []) as K8sObject[]) {
      expect(WORKER_ENV.has(env.name), `${where(scaler)}: env ${env.name} (not in worker/src/config-table.ts)`).toBe(true);
      const secretRef = env.valueFrom?.secretKeyRef;
      if (secretRef) {
        expect(secretRef.name, `${where(scaler)}: env ${env.name} secretKeyRef.name`).toBe(secret.object.metadata.name);
        expect(Object.keys(secret.object.stringData), `${where(scaler)}: env ${env.name} secretKeyRef.key`).toContain(secretRef.key);
      }
    }
    const redisUrl = ((scalerContainer.env ?? []) as K8sObject[]).find((e) => e.name === 'REDIS_URL');
    const workerRedisUrl = ((worker.env ?? []) as K8sObject[]).find((e) => e.name === 'REDIS_URL');
    expect(redisUrl?.valueFrom?.secretKeyRef, `${where(scaler)}: env REDIS_URL (the workers' broker, from the Secret)`)
      .toEqual(workerRedisUrl?.valueFrom?.secretKeyRef);
  });
});
