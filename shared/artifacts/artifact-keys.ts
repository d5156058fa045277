/**
 * @module shared/artifacts/artifact-keys
 * Object keys of the artifact store: `<tenant tag>/<job id>/<name>`. The tenant tag comes first
 * so a key says whose it is without a lookup (the edge refuses to sign another tenant's), and
 * a bucket can be listed, measured or emptied per tenant with one prefix.
 */
import { idTag, TENANT_TAG_LENGTH } from '../tenant.ts';

/** Jobs from before tenants existed have no tag; their artifacts live under this prefix. */
export const UNTAGGED = '_';

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const JOB_ID = /^[A-Za-z0-9._-]{1,200}$/;
const TAG = new RegExp(`^([0-9a-f]{${TENANT_TAG_LENGTH}}|${UNTAGGED})$`);

export class InvalidArtifactKeyError extends Error {
  override name = 'InvalidArtifactKeyError';
}

/** The key of artifact `name` (e.g. `screenshot.png`) of job `jobId`; the tag is read from the id. */
export function artifactKey(jobId: string, name: string): string {
  if (!JOB_ID.test(jobId)) throw new InvalidArtifactKeyError(`job id ${JSON.stringify(jobId)} cannot name artifacts: letters, digits, ".", "_", "-" only`);
  if (!NAME.test(name)) throw new InvalidArtifactKeyError(`artifact name ${JSON.stringify(name)}: 1–63 of a-z, 0-9, ".", "_", "-", starting with a letter or digit`);
  return `${idTag(jobId) ?? UNTAGGED}/${jobId}/${name}`;
}

export interface ArtifactKeyParts {
  tag: string;
  jobId: string;
  name: string;
}

/** The parts of a well-formed key, or null: what the edge checks before it signs anything. */
export function parseArtifactKey(key: string): ArtifactKeyParts | null {
  const parts = key.split('/');
  if (parts.length !== 3) return null;
  const [tag, jobId, name] = parts as [string, string, string];
  if (!TAG.test(tag) || !JOB_ID.test(jobId) || !NAME.test(name)) return null;
  if ((idTag(jobId) ?? UNTAGGED) !== tag) return null;
  return { tag, jobId, name };
}
