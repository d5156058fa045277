/**
 * @module worker/schedules/schedule-worker
 * The schedule queue's BullMQ worker: every Quarry worker runs one, so schedules fire as long
 * as any worker is up. BullMQ moves each slot's fire job to one worker and, as it does, creates
 * the next slot's (worker.js `nextJobFromJobData`), so the schedule carries itself on.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { QUEUE_NAME } from '../../../shared/keys.ts';
import { SCHEDULE_QUEUE_NAME } from '../../../shared/schedules/schedule-keys.ts';
import type { FireJobData } from '../../../shared/schedules/schedule-schema.ts';
import { createFireProcessor, type FireOutcome } from './fire-processor.ts';

export interface ScheduleWorkerOptions {
  broker: Redis;
  prefix: string;
  logger: Logger;
  stalledIntervalMs: number;
  lockDurationMs: number;
  autorun?: boolean;
}

export interface ScheduleWorker {
  close(): Promise<void>;
}

export function startScheduleWorker(options: ScheduleWorkerOptions): ScheduleWorker {
  const { broker, prefix, logger } = options;
  // skipMetasUpdate: only adds runs, never rewrites the scrape queue's meta.
  const scrape = new Queue(QUEUE_NAME, { connection: broker, prefix, skipMetasUpdate: true });
  scrape.on('error', () => undefined); // the broker connection logs outages once
  const fire = createFireProcessor({ broker, scrape, prefix, logger });
  const worker = new Worker<FireJobData, FireOutcome>(SCHEDULE_QUEUE_NAME, (job: Job<FireJobData>) => fire(job), {
    connection: broker,
    prefix,
    // Fire jobs only add runs: a few at a time is plenty, and they never wait on a site.
    concurrency: 4,
    autorun: options.autorun ?? true,
    stalledInterval: options.stalledIntervalMs,
    lockDuration: options.lockDurationMs,
    maxStalledCount: 2,
    runRetryDelay: 1_000,
  });
  worker.on('error', (error) => {
    if (broker.status === 'ready') logger.error({ err: error.message }, 'schedule worker error');
  });
  return {
    async close() {
      await worker.close();
      await scrape.close();
    },
  };
}
