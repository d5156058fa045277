/**
 * @module worker/metrics/queue-depth
 * Queue depth by state for the `quarry_queue_jobs` gauge, read at scrape time and cached briefly so
 * several scrapers (or a fast scrape interval) cost Redis one count per `maxAgeMs`, not one per scrape.
 */
import { withTimeout } from '../abortable.ts';

/** The states reported, in BullMQ's names; each scrape sets all of them (0 when empty). */
export const QUEUE_DEPTH_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'waiting-children'] as const;

export type QueueDepthState = (typeof QUEUE_DEPTH_STATES)[number];

export type QueueDepth = Record<QueueDepthState, number>;

/** What is read: a BullMQ `Queue` fits. */
export interface JobCountSource {
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface QueueDepthReaderOptions {
  /** A reading younger than this is served again instead of asking Redis, in milliseconds. */
  maxAgeMs?: number;
  /** A read slower than this fails (the gauge then reports nothing): the broker connection waits
   *  forever through an outage, and a scrape must not hang with it. In milliseconds. */
  timeoutMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export class QueueDepthTimeoutError extends Error {
  override name = 'QueueDepthTimeoutError';
}

/** Returns a reader: concurrent calls share one request; failures are not cached. */
export function queueDepthReader(source: JobCountSource, options: QueueDepthReaderOptions = {}): () => Promise<QueueDepth> {
  const { maxAgeMs = 5_000, timeoutMs = 2_000, now = Date.now } = { ...options };
  let cached: { at: number; depth: QueueDepth } | undefined;
  let pending: Promise<QueueDepth> | undefined;

  const read = async (): Promise<QueueDepth> => {
    const counts = await source.getJobCounts(...QUEUE_DEPTH_STATES);
    const depth = Object.fromEntries(QUEUE_DEPTH_STATES.map((state) => [state, counts[state] ?? 0])) as QueueDepth;
    cached = { at: now(), depth };
    return depth;
  };

  return () => {
    if (cached && now() - cached.at < maxAgeMs) return Promise.resolve(cached.depth);
    pending ??= read().finally(() => { pending = undefined; });
    return withTimeout(pending, timeoutMs, () => new QueueDepthTimeoutError(`queue depth not read within ${timeoutMs} ms`));
  };
}
