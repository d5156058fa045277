/**
 * @module test/faults/fault-stack
 * A real-process stack for fault tests: the local stack with fast stalled-job detection, a
 * loopback site, and helpers that read outcomes from the result store and the site's log.
 */
import { execFileSync } from 'node:child_process';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LocalStack } from '../../dev/local/local-stack.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { jobRequestSchema, type JobRequestInput } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import type { TestSite } from '../support/test-site.ts';
import { startWorkerStack } from '../support/worker-stack.ts';

export const SITE_HOST = '127.0.0.2';

export interface FaultStack {
  stack: LocalStack;
  site: TestSite;
  prefix: string;
  edge?: EdgeClient;
  queue: Queue;
  broker: Redis;
  results: Redis;
  /** Adds a job straight to BullMQ (what the edge stores), with a fixed id. */
  add(id: string, request: JobRequestInput): Promise<void>;
  state(id: string): Promise<string>;
  result(id: string): Promise<{ attempt: number; httpStatus: number } | null>;
  /** Requests the site received for a path (query included). */
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startFaultStack(options: { edge?: boolean; workers?: number; workerEnv?: Record<string, string> } = {}): Promise<FaultStack> {
  const { site, stack, prefix, apiKey, broker, results, queue, close } = await startWorkerStack({
    name: 'fault', hosts: [SITE_HOST], workers: options.workers ?? 1, edge: options.edge ?? false,
    // Fast stalled-job detection: a killed worker's jobs come back within seconds.
    workerEnv: { QUARRY_STALLED_INTERVAL_MS: '1000', QUARRY_LOCK_DURATION_MS: '2000', ...options.workerEnv },
  });
  // The outage tests stop Redis on purpose; these clients just reconnect.
  for (const emitter of [broker, results, queue]) emitter.on('error', () => undefined);
  return {
    stack, site, prefix, queue, broker, results,
    ...(stack.edge ? { edge: edgeClient(stack.edge.url, apiKey) } : {}),
    async add(id, input) {
      const request = jobRequestSchema.parse(input);
      await queue.add(request.mode, { request, acceptedAt: Date.now() }, { jobId: id, attempts: request.attempts, backoff: { type: 'exponential', delay: 200, jitter: 0.5 } });
    },
    state: (id) => queue.getJobState(id),
    async result(id) {
      const json = await results.get(resultKey(prefix, id));
      return json ? (JSON.parse(json) as { attempt: number; httpStatus: number }) : null;
    },
    hits: (path) => site.log.filter((entry) => entry.path === path).length,
    close,
  };
}

/** Pids of a process's descendants (Chromium under a worker). */
export function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

export { waitFor };
