/**
 * @module worker/callbacks/callback-worker
 * The callbacks queue: the callback effect (effects/callback-effect.ts) adds one delivery job
 * per finished run of a scrape (id `cb-<jobId>-<run>-<event>`, so a re-executed run cannot call
 * back twice, while a manual retry's run is called back again) and this BullMQ worker delivers
 * it with exponential backoff and jitter. Deliveries never touch the scrape job.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CALLBACK_QUEUE_NAME } from '../../../shared/callback-keys.ts';
import { callbackDeliveryId, type CallbackJobData } from './callback-payload.ts';

export interface CallbackQueueOptions {
  connection: Redis;
  prefix: string;
  attempts: number;
  backoffMs: number;
  /** Runs one delivery; throws to retry (or a NonRetryableError to stop). */
  deliver: (data: CallbackJobData, attempt: number) => Promise<number>;
  concurrency?: number;
  logger: Logger;
  /** Counts attempts for metrics. */
  onDelivery?: (outcome: 'delivered' | 'failed') => void;
}

export interface CallbackQueue {
  enqueue(data: CallbackJobData): Promise<void>;
  close(): Promise<void>;
}

export function startCallbackQueue(options: CallbackQueueOptions): CallbackQueue {
  const { connection, prefix, attempts, backoffMs, deliver, concurrency = 20, logger, onDelivery } = { ...options };
  const queue = new Queue<CallbackJobData>(CALLBACK_QUEUE_NAME, { connection, prefix });
  const worker = new Worker<CallbackJobData>(CALLBACK_QUEUE_NAME, async (job: Job<CallbackJobData>) => {
    try {
      const status = await deliver(job.data, job.attemptsMade + 1);
      onDelivery?.('delivered');
      return status;
    } catch (error) {
      onDelivery?.('failed');
      logger.warn({ jobId: job.data.jobId, attempt: job.attemptsMade + 1, reason: (error as Error).message }, 'callback delivery failed');
      throw error;
    }
  // The shared connection, not a duplicate: BullMQ never closes a connection it was handed, so a
  // duplicate made here leaked one client per worker that kept reconnecting after shutdown.
  // (BullMQ still makes and closes its own blocking connection.)
  }, { connection, prefix, concurrency });
  worker.on('error', (error) => logger.error({ err: error.message }, 'callback worker error'));

  return {
    async enqueue(data) {
      await queue.add(data.event, data, {
        jobId: callbackDeliveryId(data),
        attempts,
        backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
        // Kept a day so a scrape that re-runs after its callback finished finds the id taken.
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
