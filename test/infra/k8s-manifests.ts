/**
 * @module test/infra/k8s-manifests
 * Loads every YAML document under infra/k8s with the file it came from, and finds objects by
 * kind and name, so assertions can name `file: kind/name field` when they fail.
 */
import { readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { readRepoFile, repoPath } from './repo.ts';

export const K8S_DIR = 'infra/k8s';

/** A Kubernetes object as parsed: loosely typed on purpose, the tests assert every field they read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

export interface Manifest {
  /** Repo-relative file, e.g. `infra/k8s/worker-deployment.yaml`. */
  file: string;
  object: K8sObject;
}

/** Every document of every `.yaml` file in infra/k8s; a YAML error throws naming the file. */
export function loadManifests(): Manifest[] {
  const files = readdirSync(repoPath(K8S_DIR))
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort();
  return files.flatMap((name) => {
    const file = `${K8S_DIR}/${name}`;
    return parseAllDocuments(readRepoFile(file)).flatMap((document, index) => {
      if (document.errors.length > 0) throw new Error(`${file} (document ${index + 1}): ${document.errors[0]!.message}`);
      const object = document.toJS() as K8sObject | null;
      return object ? [{ file, object }] : [];
    });
  });
}

/** `file: Kind/name` for messages. */
export const where = (manifest: Manifest): string =>
  `${manifest.file}: ${manifest.object.kind}/${manifest.object.metadata?.name ?? '?'}`;

/** The one object of that kind (and name, if given); throws naming what is missing. */
export function findOne(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.object.kind === kind && (name === undefined || m.object.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''} in ${K8S_DIR}, found ${found.length}`);
  return found[0]!;
}

/** Pod template containers of a Deployment. */
export function containersOf(deployment: Manifest): K8sObject[] {
  return (deployment.object.spec?.template?.spec?.containers ?? []) as K8sObject[];
}
