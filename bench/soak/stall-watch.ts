/**
 * @module bench/soak/stall-watch
 * Which jobs BullMQ recovered from a dead worker, and when: a `QueueEvents` listener on the
 * queue's events stream records every `stalled` event as it happens (the capped stream itself
 * only keeps the last few thousand events, too few to explain a duplicate after 20,000 jobs).
 */
import { QueueEvents } from 'bullmq';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { benchRedis } from '../setup/redis-client.ts';

export interface StallWatch {
  /** Times (epoch ms) each job was moved back from a dead worker. */
  readonly stalled: ReadonlyMap<string, number[]>;
  close(): Promise<void>;
}

export async function watchStalls(brokerUrl: string, prefix: string): Promise<StallWatch> {
  const connection = benchRedis(brokerUrl, { maxRetriesPerRequest: null });
  const events = new QueueEvents(QUEUE_NAME, { connection, prefix });
  events.on('error', () => undefined); // the broker restart drops the connection; it resumes from its last id
  const stalled = new Map<string, number[]>();
  events.on('stalled', ({ jobId }) => stalled.set(jobId, [...(stalled.get(jobId) ?? []), Date.now()]));
  await events.waitUntilReady();
  return {
    stalled,
    async close() {
      await events.close();
      connection.disconnect();
    },
  };
}
