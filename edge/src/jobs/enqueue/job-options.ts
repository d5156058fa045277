/**
 * @module edge/jobs/enqueue/job-options
 * Maps a validated job request onto BullMQ job options, as `Queue.add` would store them.
 */
import type { JobRequest } from '../../../../shared/job-schema.ts';

export interface RetentionOptions {
  count: number;
  /** Seconds. */
  age: number;
}

export interface JobOptionsConfig {
  /** First retry delay; BullMQ doubles it per attempt. */
  backoffMs: number;
  keepCompleted: RetentionOptions;
  keepFailed: RetentionOptions;
}

/** The subset of BullMQ `JobsOptions` Quarry sets. Key order follows `Queue.add`'s merge. */
export interface BullJobOptions {
  attempts: number;
  jobId: string;
  backoff: { type: 'exponential'; delay: number; jitter: number };
  removeOnComplete: RetentionOptions;
  removeOnFail: RetentionOptions;
  delay?: number;
  priority?: number;
  /** BullMQ deduplication: while the key lives (ttl ms), adding the same id returns the first job. */
  deduplication?: { id: string; ttl: number };
}

export function buildJobOptions(request: Pick<JobRequest, 'attempts' | 'delayMs' | 'priority'>, jobId: string, config: JobOptionsConfig): BullJobOptions {
  const options: BullJobOptions = {
    attempts: request.attempts,
    jobId,
    // Jitter spreads retries of jobs that failed together (a site outage) so they don't return together.
    backoff: { type: 'exponential', delay: config.backoffMs, jitter: 0.5 },
    removeOnComplete: config.keepCompleted,
    removeOnFail: config.keepFailed,
  };
  if (request.delayMs > 0) options.delay = request.delayMs;
  if (request.priority > 0) options.priority = request.priority;
  return options;
}

/** BullMQ stores a few options under short names (`optsAsJSON` in redis-queue-backend.js). */
const SHORT_NAMES: Record<string, string> = { deduplication: 'de' };

export function encodeJobOptions(options: BullJobOptions): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([name, value]) => [SHORT_NAMES[name] ?? name, value]));
}
