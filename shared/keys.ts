/**
 * @module shared/keys
 * Every Redis key name and the queue name that the edge and the workers must agree on.
 *
 * All broker keys share one hash tag (`{quarry}` by default) so BullMQ's multi-key Lua
 * scripts stay in one slot and the same layout runs on Redis Cluster.
 */

/** Queue name inside the prefix; BullMQ keys are `<prefix>:<queue>:<suffix>`. */
export const QUEUE_NAME = 'scrape';

/** Default key prefix. The braces are a Redis Cluster hash tag. */
export const DEFAULT_PREFIX = '{quarry}';

const HASH_TAG = /\{[^{}]+\}/;

/** Throws when a prefix has no hash tag: without one, cluster slots would split a queue. */
export function assertClusterSafePrefix(prefix: string): string {
  if (!HASH_TAG.test(prefix)) {
    throw new Error(`Queue prefix "${prefix}" needs a Redis Cluster hash tag such as "{quarry}"`);
  }
  if (prefix.includes(' ') || prefix.endsWith(':')) {
    throw new Error(`Queue prefix "${prefix}" must not contain spaces or end with ":"`);
  }
  return prefix;
}

/** The BullMQ key suffixes the edge touches (the same names as BullMQ's `QueueKeys`). */
export const QUEUE_KEY_SUFFIXES = [
  'wait', 'paused', 'meta', 'id', 'completed', 'failed', 'delayed', 'active', 'events',
  'marker', 'prioritized', 'pc', 'waiting-children', 'stalled', 'limiter', 'repeat',
] as const;

export type QueueKeySuffix = (typeof QUEUE_KEY_SUFFIXES)[number];

/** Full key names for one queue, as BullMQ builds them. */
export interface QueueKeys {
  /** `<prefix>:<queue>:`, the prefix of every job hash (`base + jobId`). */
  readonly base: string;
  readonly key: (suffix: QueueKeySuffix) => string;
  readonly job: (jobId: string) => string;
}

export function queueKeys(prefix: string = DEFAULT_PREFIX, queue: string = QUEUE_NAME): QueueKeys {
  const base = `${prefix}:${queue}:`;
  return {
    base,
    key: (suffix) => base + suffix,
    job: (jobId) => base + jobId,
  };
}

/** Result store key of one job (a separate Redis database from the broker). */
export function resultKey(prefix: string, jobId: string): string {
  return `${prefix}:result:${jobId}`;
}

/** Result store: artifact keys (`<tag>/<job id>/<name>`) scored by when they expire, for the sweeper. */
export function artifactExpiryKey(prefix: string): string {
  return `${prefix}:artifacts:expiry`;
}
