/**
 * @module bench/suites/enqueue/enqueuers
 * The four ways of putting the same job into the broker that the enqueue suite compares, from
 * the floor up: BullMQ's `Queue.add` over ioredis; the edge's `enqueueJob()` called in Node
 * through @upstash/redis (REST cost without workerd); and `POST /v1/jobs` on the edge in workerd,
 * run by Miniflare directly and by `wrangler dev` (which adds its proxy worker).
 */
import { Redis as UpstashRedis } from '@upstash/redis';
import type { Redis as CloudflareRedis } from '@upstash/redis/cloudflare';
import { Queue } from 'bullmq';
import { benchRedis } from '../../setup/redis-client.ts';
import { enqueueJob } from '../../../edge/src/jobs/enqueue/enqueue-job.ts';
import { QUEUE_NAME } from '../../../shared/keys.ts';
import { edgeEquivalentJob, EDGE_JOB_OPTIONS, HTTP_EXTRACT, jobRequest } from '../../workload/pages.ts';

export interface Enqueuer {
  id: string;
  label: string;
  /** Goes through the REST server (so its round trips are counted). */
  viaRest: boolean;
  /** Enqueues one job for `url`; rejects unless the job was accepted. */
  enqueue(url: string): Promise<void>;
  close(): Promise<void>;
}

export function queueAddEnqueuer(brokerUrl: string, prefix: string): Enqueuer {
  const connection = benchRedis(brokerUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  queue.on('error', () => undefined); // surfaced by the calls that fail
  return {
    id: 'queue-add', label: 'Queue.add over ioredis (TCP)', viaRest: false,
    async enqueue(url) {
      const job = edgeEquivalentJob(jobRequest(url, 'page'), Date.now());
      await queue.add(job.name, job.data, job.opts);
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

export function enqueueJobEnqueuer(restUrl: string, token: string, prefix: string): Enqueuer {
  // The edge's client settings (edge/src/redis/upstash-clients.ts), with the Node build of the client.
  // Auto-pipelining off: in Node it would merge the 10 concurrent calls into one /pipeline request,
  // which the edge never does (each POST is its own event in workerd), so the cost would not compare.
  const redis = new UpstashRedis({
    url: restUrl, token, automaticDeserialization: false, retry: { retries: 1, backoff: () => 50 }, enableTelemetry: false, enableAutoPipelining: false,
  });
  return {
    id: 'enqueue-job-node', label: 'enqueueJob() in Node via @upstash/redis → REST', viaRest: true,
    async enqueue(url) {
      await enqueueJob(redis as unknown as CloudflareRedis, {
        prefix, jobId: crypto.randomUUID(), request: jobRequest(url, 'page'), submittedBy: 'bench', options: EDGE_JOB_OPTIONS,
      });
    },
    close: async () => undefined,
  };
}

export function edgeHttpEnqueuer(id: string, label: string, baseUrl: string, apiKey: string): Enqueuer {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  return {
    id, label, viaRest: true,
    async enqueue(url) {
      const response = await fetch(`${baseUrl}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ url, extract: HTTP_EXTRACT }) });
      const body = await response.text();
      if (response.status !== 202) throw new Error(`POST /v1/jobs answered ${response.status}: ${body.slice(0, 300)}`);
    },
    close: async () => undefined,
  };
}
