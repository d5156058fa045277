/**
 * @module test/infra/k8s-worker
 * The worker Deployment: probes on the worker's real health routes and port, a grace period that
 * covers the drain, Chromium's volumes, resources that fit the image's heap cap, and env that
 * the worker reads, taken from ConfigMap/Secret keys that exist and values it accepts.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import { loadConfig } from '../../worker/src/config.ts';
import { startHealthServer } from '../../worker/src/health-server.ts';
import { envOf, parseDockerfile } from './dockerfile.ts';
import { containersOf, findOne, loadManifests, where, type K8sObject } from './k8s-manifests.ts';
import { workerDefault, WORKER_ENV } from './known-env.ts';
import { readRepoFile } from './repo.ts';
import { cpuCores, memoryBytes } from './units.ts';

const manifests = loadManifests();
const deployment = findOne(manifests, 'Deployment', 'quarry-worker');
const configMap = findOne(manifests, 'ConfigMap');
const secret = findOne(manifests, 'Secret');
const pod = deployment.object.spec.template.spec as K8sObject;
const container = containersOf(deployment).find((c) => c.name === 'worker')!;
const at = (path: string) => `${where(deployment)}: ${path}`;
const configData = configMap.object.data as Record<string, string>;
const setting = (env: string): string | undefined => configData[env] ?? workerDefault(env);

/** Worker's own timings after the shutdown deadline (worker/src/quarry-worker.ts, browser-pool.ts). */
const HAND_BACK_GRACE_S = 3;
const BROWSER_CLOSE_S = 5;
/** Redis close, event-loop stalls, kubelet timing: what the grace period must leave on top. */
const MARGIN_S = 5;

/** A probe's port resolved to a container port number. */
function probePort(probe: K8sObject | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  const match = ((container.ports ?? []) as K8sObject[]).find((p) => p.name === port || p.containerPort === port);
  return match?.containerPort as number | undefined;
}

describe(`${deployment.file}`, () => {
  it('leaves the replica count to KEDA', () => {
    expect(deployment.object.spec.replicas, at('spec.replicas (KEDA/HPA own it; apply would reset it)')).toBeUndefined();
  });

  it('exposes the health port the worker listens on (QUARRY_HEALTH_PORT)', () => {
    const ports = ((container.ports ?? []) as K8sObject[]).map((p) => p.containerPort);
    expect(ports, at('containers[worker].ports')).toContain(Number(setting('QUARRY_HEALTH_PORT')));
  });

  it.each(['startupProbe', 'livenessProbe', 'readinessProbe'])('points %s at a declared container port', (probe) => {
    expect(container[probe], at(`containers[worker].${probe}`)).toBeDefined();
    expect(probePort(container[probe]), at(`containers[worker].${probe}.httpGet.port`)).toBe(Number(setting('QUARRY_HEALTH_PORT')));
  });

  it('probes routes the worker health server serves: liveness stays up, readiness follows the worker', async () => {
    let ready = true;
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', isReady: () => ready });
    const status = async (probe: string) => (await fetch(`http://127.0.0.1:${server.port}${container[probe].httpGet.path}`)).status;
    try {
      expect(await status('readinessProbe'), at('readinessProbe.httpGet.path (ready worker)')).toBe(200);
      ready = false;
      expect(await status('readinessProbe'), at('readinessProbe.httpGet.path (worker not ready)')).toBe(503);
      expect(await status('livenessProbe'), at('livenessProbe.httpGet.path (must not fail on a Redis outage)')).toBe(200);
      expect(await status('startupProbe'), at('startupProbe.httpGet.path')).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('lets a job of the longest timeout finish on SIGTERM, within the grace period', () => {
    const shutdownMs = Number(setting('QUARRY_SHUTDOWN_TIMEOUT_MS'));
    expect(shutdownMs, `${configMap.file}: QUARRY_SHUTDOWN_TIMEOUT_MS vs the longest job timeout ${LIMITS.timeoutMs.max} ms`)
      .toBeGreaterThanOrEqual(LIMITS.timeoutMs.max);
    const preStop = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
    expect(preStop?.[0], at('containers[worker].lifecycle.preStop.exec.command')).toBe('sleep');
    const preStopS = Number(preStop![1]);
    expect(preStopS, at('preStop sleep seconds')).toBeGreaterThan(0);
    const needed = preStopS + Math.ceil(shutdownMs / 1000) + HAND_BACK_GRACE_S + BROWSER_CLOSE_S + MARGIN_S;
    expect(pod.terminationGracePeriodSeconds, at(`spec.template.spec.terminationGracePeriodSeconds (preStop ${preStopS} s + shutdown ${shutdownMs / 1000} s + hand-back, close, margin = ${needed} s)`))
      .toBeGreaterThanOrEqual(needed);
    expect(pod.terminationGracePeriodSeconds, at('terminationGracePeriodSeconds vs the longest job timeout'))
      .toBeGreaterThan(LIMITS.timeoutMs.max / 1000);
  });

  it('gives Chromium a memory-backed /dev/shm and writable /tmp and $HOME on a read-only root', () => {
    const volumes = Object.fromEntries(((pod.volumes ?? []) as K8sObject[]).map((v) => [v.name, v]));
    const mounts = Object.fromEntries(((container.volumeMounts ?? []) as K8sObject[]).map((m) => [m.mountPath, m.name]));
    expect(volumes[mounts['/dev/shm']]?.emptyDir?.medium, at('volume mounted at /dev/shm (emptyDir medium)')).toBe('Memory');
    expect(volumes[mounts['/tmp']]?.emptyDir, at('volume mounted at /tmp (emptyDir)')).toBeDefined();
    expect(volumes[mounts['/home/node']]?.emptyDir, at('volume mounted at /home/node (emptyDir)')).toBeDefined();
  });

  it('requests and limits resources that hold Node (heap cap from the image) and Chromium', () => {
    const { requests = {}, limits = {} } = container.resources ?? {};
    for (const [name, value] of Object.entries({ 'requests.cpu': requests.cpu, 'requests.memory': requests.memory, 'limits.memory': limits.memory })) {
      expect(value, at(`containers[worker].resources.${name}`)).toBeDefined();
    }
    expect(memoryBytes(limits.memory), at('resources.limits.memory ≥ requests.memory')).toBeGreaterThanOrEqual(memoryBytes(requests.memory));
    if (limits.cpu !== undefined) expect(cpuCores(limits.cpu), at('resources.limits.cpu ≥ requests.cpu')).toBeGreaterThanOrEqual(cpuCores(requests.cpu));
    const image = envOf(parseDockerfile(readRepoFile('infra/docker/worker.Dockerfile')).stages.at(-1)!);
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(image.NODE_OPTIONS ?? '')?.[1]);
    const shm = memoryBytes(((pod.volumes ?? []) as K8sObject[]).find((v) => v.emptyDir?.medium === 'Memory')?.emptyDir?.sizeLimit ?? 0);
    // FINDINGS: Chromium headless-shell up to ~800 MB PSS; Node RSS ~1.6x its heap cap.
    const worstCase = heapMb * 1.6 * 1e6 + 800e6 + shm;
    expect(memoryBytes(limits.memory), at(`resources.limits.memory vs Node heap ${heapMb} MB ×1.6 + Chromium 800 MB + /dev/shm`))
      .toBeGreaterThanOrEqual(worstCase);
  });

  it('sets only variables the worker reads, from ConfigMap and Secret keys that exist', () => {
    const fromConfigMap = ((container.envFrom ?? []) as K8sObject[]).map((e) => e.configMapRef?.name);
    expect(fromConfigMap, at('containers[worker].envFrom[].configMapRef.name')).toContain(configMap.object.metadata.name);
    for (const key of Object.keys(configData)) {
      expect(WORKER_ENV.has(key), `${where(configMap)}: data.${key} (not in worker/src/config-table.ts)`).toBe(true);
    }
    const secretData = secret.object.stringData as Record<string, string>;
    for (const env of (container.env ?? []) as K8sObject[]) {
      expect(WORKER_ENV.has(env.name), at(`containers[worker].env ${env.name} (not in worker/src/config-table.ts)`)).toBe(true);
      const secretRef = env.valueFrom?.secretKeyRef;
      const configRef = env.valueFrom?.configMapKeyRef;
      if (secretRef) {
        expect(secretRef.name, at(`env ${env.name} secretKeyRef.name`)).toBe(secret.object.metadata.name);
        expect(Object.keys(secretData), at(`env ${env.name} secretKeyRef.key (missing in ${secret.file})`)).toContain(secretRef.key);
      }
      if (configRef) {
        expect(configRef.name, at(`env ${env.name} configMapKeyRef.name`)).toBe(configMap.object.metadata.name);
        expect(Object.keys(configData), at(`env ${env.name} configMapKeyRef.key`)).toContain(configRef.key);
      }
    }
    const names = ((container.env ?? []) as K8sObject[]).map((e) => e.name);
    for (const url of ['REDIS_URL', 'RESULT_REDIS_URL']) {
      const env = ((container.env ?? []) as K8sObject[]).find((e) => e.name === url);
      expect(env?.valueFrom?.secretKeyRef, at(`env ${url} (passwords: from the Secret)`)).toBeDefined();
      expect(names, at('env')).toContain(url);
    }
  });

  it('passes values the worker config loader accepts (ConfigMap + example Secret)', () => {
    expect(() => loadConfig({ ...configData, ...(secret.object.stringData as Record<string, string>) }), `${configMap.file} + ${secret.file}`).not.toThrow();
  });
});
