/**
 * @module bench/suites/jobs/systems/bullmq-enqueue
 * Feeds a BullMQ queue the way the edge would, in bulk: the same `JobData` and job options
 * `POST /v1/jobs` stores, through `Queue.addBulk` in chunks. Shared by Quarry and the raw
 * BullMQ peers so they get byte-identical jobs.
 */
import { Queue } from 'bullmq';
import { benchRedis } from '../../../setup/redis-client.ts';
import { QUEUE_NAME } from '../../../../shared/keys.ts';
import { nowMs } from '../../../measure/latency.ts';
import { edgeEquivalentJob, jobRequest, type JobRequestExtra, type PageKind } from '../../../workload/pages.ts';
import type { EnqueuedJob } from '../job-system.ts';

/** Jobs per `addBulk` call: one pipeline each, like the edge's batch endpoint chunks. */
const CHUNK = 500;

export interface BulkEnqueuer {
  enqueue(urls: readonly string[]): Promise<Map<string, EnqueuedJob>>;
  /** `failed=… waiting=…` from BullMQ's counters. */
  counts(): Promise<string>;
  close(): Promise<void>;
}

/** `extra`: request fields added to every job (the formats suites' `formats`). */
export async function createBulkEnqueuer(brokerUrl: string, prefix: string, kind: PageKind, extra: JobRequestExtra = {}): Promise<BulkEnqueuer> {
  const connection = benchRedis(brokerUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  queue.on('error', () => undefined); // surfaced by the calls that fail
  await queue.waitUntilReady();
  return {
    async enqueue(urls) {
      const jobs = new Map<string, EnqueuedJob>();
      for (let offset = 0; offset < urls.length; offset += CHUNK) {
        const at = nowMs();
        const chunk = urls.slice(offset, offset + CHUNK).map((url) => ({ url, job: edgeEquivalentJob(jobRequest(url, kind, extra), Math.round(at)) }));
        await queue.addBulk(chunk.map(({ job }) => job));
        for (const { url, job } of chunk) jobs.set(job.opts.jobId, { url, at });
      }
      return jobs;
    },
    async counts() {
      const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
      let text = Object.entries(counts).map(([state, count]) => `${state}=${count}`).join(' ');
      if (counts.failed) {
        const [failed] = await queue.getFailed(0, 0);
        if (failed) text += `; first failure: ${failed.failedReason}`;
      }
      return `BullMQ ${text}`;
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
