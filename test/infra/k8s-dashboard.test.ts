/**
 * @module test/infra/k8s-dashboard
 * infra/k8s/dashboard-*.yaml: the dashboard runs the built dashboard-main from the worker image,
 * reads only variables of the config table, takes its password from the Secret (never optional),
 * listens where its container port, probes and ClusterIP Service point, and is read-only.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../worker/src/config.ts';
import { dashboardSettings } from '../../worker/src/dashboard/dashboard-settings.ts';
import { loadBuildLayout, sourceOf } from './build-layout.ts';
import { containersOf, findOne, loadManifests, where, type K8sObject } from './k8s-manifests.ts';
import { workerDefault, WORKER_ENV } from './known-env.ts';

const manifests = loadManifests();
const deployment = findOne(manifests, 'Deployment', 'quarry-dashboard');
const service = findOne(manifests, 'Service', 'quarry-dashboard');
const configMap = findOne(manifests, 'ConfigMap');
const secret = findOne(manifests, 'Secret');
const container = containersOf(deployment)[0]!;
const env = (container.env ?? []) as K8sObject[];
const at = (path: string) => `${where(deployment)}: ${path}`;
const literal = (name: string): string | undefined => env.find((e) => e.name === name)?.value ?? workerDefault(name);

describe('infra/k8s dashboard', () => {
  it('runs the built dashboard-main from the workers\' image', () => {
    const worker = containersOf(findOne(manifests, 'Deployment', 'quarry-worker'))[0]!;
    expect(container.image, at('containers[dashboard].image')).toBe(worker.image);
    const [node, script] = container.args as string[];
    expect(node, at('containers[dashboard].args[0]')).toBe('node');
    expect(sourceOf(loadBuildLayout(), script!), at(`args runs ${script}, which the build does not emit`)).toBe('worker/src/dashboard/dashboard-main.ts');
    expect(container.command, at('containers[dashboard].command (keeps tini as PID 1)')).toBeUndefined();
  });

  it('sets only config-table variables, the password from the Secret and required', () => {
    const secretKeys = Object.keys(secret.object.stringData as Record<string, string>);
    for (const variable of env) {
      expect(WORKER_ENV.has(variable.name), at(`env ${variable.name} (not in worker/src/config-table.ts)`)).toBe(true);
      const ref = variable.valueFrom?.secretKeyRef;
      if (ref) expect(secretKeys, at(`env ${variable.name} secretKeyRef.key (missing in ${secret.file})`)).toContain(ref.key);
    }
    const password = env.find((e) => e.name === 'QUARRY_DASHBOARD_PASSWORD');
    expect(password?.valueFrom?.secretKeyRef, at('env QUARRY_DASHBOARD_PASSWORD (from the Secret)')).toBeDefined();
    expect(password?.valueFrom?.secretKeyRef?.optional, at('env QUARRY_DASHBOARD_PASSWORD secretKeyRef.optional')).not.toBe(true);
    expect(literal('QUARRY_DASHBOARD_READ_ONLY'), at('env QUARRY_DASHBOARD_READ_ONLY')).toBe('true');
  });

  it('passes settings the dashboard accepts (ConfigMap + example Secret + literals)', () => {
    const literals = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, String(e.value)]));
    const all = { ...(configMap.object.data as Record<string, string>), ...(secret.object.stringData as Record<string, string>), ...literals };
    expect(() => dashboardSettings(loadConfig(all)), at('env')).not.toThrow();
  });

  it('listens on its container port, probed at the unauthenticated /healthz, behind a ClusterIP Service', () => {
    const port = ((container.ports ?? []) as K8sObject[]).find((p) => p.name === 'http');
    expect(String(port?.containerPort), at('containers[dashboard].ports[http] vs QUARRY_DASHBOARD_PORT')).toBe(literal('QUARRY_DASHBOARD_PORT'));
    for (const probe of ['livenessProbe', 'readinessProbe']) {
      expect(container[probe]?.httpGet, at(`containers[dashboard].${probe}.httpGet`)).toMatchObject({ path: '/healthz', port: 'http' });
    }
    expect(service.object.spec.type ?? 'ClusterIP', `${where(service)}: spec.type (never exposed by these manifests)`).toBe('ClusterIP');
    expect((service.object.spec.ports as K8sObject[]).map((p) => p.targetPort), `${where(service)}: targetPort`).toContain('http');
  });
});
