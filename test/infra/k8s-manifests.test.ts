/**
 * @module test/infra/k8s-manifests
 * infra/k8s as a whole: every document parses with the right apiVersion for its kind, kustomization
 * lists exactly the deployable files, names/namespaces/labels line up, pods meet the namespace's
 * "restricted" Pod Security Standard, and the example Secret holds only placeholders.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containersOf, findOne, K8S_DIR, loadManifests, where, type K8sObject } from './k8s-manifests.ts';
import { repoHas, repoPath } from './repo.ts';
import { realSecretReason } from './secret-placeholders.ts';

const manifests = loadManifests();
const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  Service: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Namespace: 'v1',
  ScaledObject: 'keda.sh/v1alpha1',
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
};
const kustomization = findOne(manifests, 'Kustomization');
const resources = (kustomization.object.resources ?? []) as string[];
const namespace = findOne(manifests, 'Namespace');
const deployments = manifests.filter((m) => m.object.kind === 'Deployment');

describe(K8S_DIR, () => {
  it('parses every file into objects of known kinds with their apiVersion', () => {
    const files = readdirSync(repoPath(K8S_DIR)).filter((f) => f.endsWith('.yaml'));
    expect(new Set(manifests.map((m) => m.file)).size, `${K8S_DIR}: files with at least one document`).toBe(files.length);
    for (const manifest of manifests) {
      const { kind, apiVersion } = manifest.object;
      expect(Object.keys(API_VERSIONS), `${manifest.file}: kind`).toContain(kind);
      expect(apiVersion, `${where(manifest)}: apiVersion`).toBe(API_VERSIONS[kind as string]);
      if (kind !== 'Kustomization') expect(manifest.object.metadata?.name, `${manifest.file}: metadata.name`).toBeTruthy();
    }
  });

  it('lists in kustomization.yaml every deployable file, each existing, and never the example Secret', () => {
    for (const resource of resources) {
      expect(repoHas(`${K8S_DIR}/${resource}`), `${kustomization.file}: resources entry "${resource}" does not exist`).toBe(true);
      expect(resource, `${kustomization.file}: resources must not include an .example file`).not.toMatch(/\.example\./);
    }
    const deployable = [...new Set(manifests.map((m) => m.file.slice(K8S_DIR.length + 1)))]
      .filter((f) => f !== 'kustomization.yaml' && !f.includes('.example.'));
    for (const file of deployable) expect(resources, `${kustomization.file}: resources is missing ${file}`).toContain(file);
  });

  it('puts every object in the one namespace that namespace.yaml creates', () => {
    const name = namespace.object.metadata.name as string;
    expect(kustomization.object.namespace, `${kustomization.file}: namespace`).toBe(name);
    for (const manifest of manifests.filter((m) => !['Namespace', 'Kustomization'].includes(m.object.kind))) {
      expect(manifest.object.metadata?.namespace, `${where(manifest)}: metadata.namespace`).toBe(name);
    }
    expect(namespace.object.metadata.labels?.['pod-security.kubernetes.io/enforce'], `${where(namespace)}: pod-security label`).toBe('restricted');
  });

  it('selects Deployment pods by labels their template carries, and Services select existing pods', () => {
    for (const deployment of deployments) {
      const labels = deployment.object.spec.template.metadata.labels as Record<string, string>;
      for (const [key, value] of Object.entries(deployment.object.spec.selector.matchLabels as Record<string, string>)) {
        expect(labels[key], `${where(deployment)}: spec.template.metadata.labels.${key} (selector)`).toBe(value);
      }
    }
    for (const service of manifests.filter((m) => m.object.kind === 'Service')) {
      const selector = service.object.spec.selector as Record<string, string>;
      const selected = deployments.filter((d) => Object.entries(selector).every(([k, v]) => d.object.spec.template.metadata.labels?.[k] === v));
      expect(selected.length, `${where(service)}: spec.selector matches no Deployment`).toBe(1);
      const ports = containersOf(selected[0]!).flatMap((c) => (c.ports ?? []) as K8sObject[]);
      for (const port of service.object.spec.ports as K8sObject[]) {
        const target = port.targetPort ?? port.port;
        expect(ports.some((p) => p.name === target || p.containerPort === target), `${where(service)}: targetPort ${target} is no containerPort of ${where(selected[0]!)}`).toBe(true);
      }
    }
  });

  it('sets every container image through kustomization images', () => {
    const names = ((kustomization.object.images ?? []) as K8sObject[]).map((i) => i.name);
    for (const deployment of deployments) {
      for (const container of containersOf(deployment)) {
        expect(names, `${where(deployment)}: container ${container.name} image "${container.image}" not in ${kustomization.file} images`).toContain(container.image);
      }
    }
  });

  it.each(deployments.map((d) => [where(d), d] as const))('%s meets the restricted Pod Security Standard', (_name, deployment) => {
    const pod = deployment.object.spec.template.spec;
    const at = `${where(deployment)}: spec.template.spec`;
    expect(pod.securityContext?.runAsNonRoot, `${at}.securityContext.runAsNonRoot`).toBe(true);
    expect(pod.securityContext?.runAsUser, `${at}.securityContext.runAsUser`).not.toBe(0);
    expect(pod.automountServiceAccountToken, `${at}.automountServiceAccountToken`).toBe(false);
    for (const container of containersOf(deployment)) {
      const c = `${at}.containers[${container.name}].securityContext`;
      expect(container.securityContext?.allowPrivilegeEscalation, `${c}.allowPrivilegeEscalation`).toBe(false);
      expect(container.securityContext?.capabilities?.drop, `${c}.capabilities.drop`).toEqual(['ALL']);
      const seccomp = container.securityContext?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
      expect(seccomp, `${c}.seccompProfile.type (or the pod's)`).toBe('RuntimeDefault');
      expect(container.securityContext?.readOnlyRootFilesystem, `${c}.readOnlyRootFilesystem`).toBe(true);
    }
  });
});

describe('placeholder check', () => {
  it.each([
    ['rediss://default:<broker-password>@<broker-host>:6379', undefined],
    ['rediss://default:Zq8vN3kP0aXw7LmT@redis.internal:6379', /URL password/],
    ['rediss://default:<pw>@host:6379/?token=c2VjcmV0LXRva2VuLXZhbHVl', /looks like a key/],
    ['hunter2', /no <placeholder>/],
  ])('%s → %s', (value, reason) => {
    const found = realSecretReason(value);
    if (reason === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(reason);
  });
});

describe(`${K8S_DIR}/worker-secret.example.yaml`, () => {
  const secret = findOne(manifests, 'Secret');

  it('is the example file and holds only placeholders, in plain stringData', () => {
    expect(secret.file, 'the only Secret must be the .example file').toMatch(/\.example\.yaml$/);
    expect(secret.object.data, `${where(secret)}: data (base64 hides what is committed; use stringData)`).toBeUndefined();
    const values = Object.entries((secret.object.stringData ?? {}) as Record<string, string>);
    expect(values.length, `${where(secret)}: stringData`).toBeGreaterThan(0);
    for (const [key, value] of values) expect(realSecretReason(value), `${where(secret)}: stringData.${key}`).toBeUndefined();
  });
});
