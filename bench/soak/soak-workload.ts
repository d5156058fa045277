/**
 * @module bench/soak/soak-workload
 * The soak's jobs: the bench workload's `/page/:n` (HTTP) and `/js/:n` (browser) pages mixed by
 * a share, round-robin over the site's hosts, stored exactly as `POST /v1/jobs` stores them
 * (`edgeEquivalentJob`: same data, options and UUID ids) through `Queue.addBulk` in chunks.
 */
import type { Queue } from 'bullmq';
import { edgeEquivalentJob, jobRequest, type PageKind } from '../workload/pages.ts';

/** Jobs per `addBulk` call (one pipeline each, like the edge's batch chunks). */
const CHUNK = 500;

export interface SoakJob {
  id: string;
  kind: PageKind;
  url: string;
  /** Site path, the key of the site's request counts. */
  path: string;
}

export interface WorkloadOptions {
  count: number;
  /** Fraction of browser jobs, 0–1, spread evenly through the sequence. */
  browserShare: number;
  hosts: readonly string[];
  origin: (host: string) => string;
  /** Completed jobs kept by age, seconds (an edge with QUARRY_KEEP_COMPLETED_SECONDS set so). */
  keepCompletedSeconds: number;
  /** Page numbers start after this (a later probe job must not share a page with the workload). */
  offset?: number;
}

export function buildWorkload(options: WorkloadOptions): Array<SoakJob & { job: ReturnType<typeof edgeEquivalentJob> }> {
  const { count, browserShare, hosts, origin, keepCompletedSeconds, offset = 0 } = { ...options };
  const acceptedAt = Date.now();
  return Array.from({ length: count }, (_, i) => {
    // Browser job i when the running share crosses a whole number: evenly spread, exact total.
    const kind: PageKind = Math.floor((i + 1) * browserShare) > Math.floor(i * browserShare) ? 'js' : 'page';
    const path = `/${kind}/${offset + i + 1}`;
    const url = origin(hosts[i % hosts.length]!) + path;
    const job = edgeEquivalentJob(jobRequest(url, kind), acceptedAt, 'soak');
    job.opts.removeOnComplete = { ...job.opts.removeOnComplete, age: keepCompletedSeconds };
    return { id: job.opts.jobId, kind, url, path, job };
  });
}

/** Adds every job; returns the ids BullMQ accepted (all of them, or it throws). */
export async function enqueueAll(queue: Queue, jobs: ReturnType<typeof buildWorkload>): Promise<string[]> {
  const accepted: string[] = [];
  for (let offset = 0; offset < jobs.length; offset += CHUNK) {
    const chunk = jobs.slice(offset, offset + CHUNK);
    const added = await queue.addBulk(chunk.map(({ job }) => job));
    accepted.push(...added.map((job) => job.id!));
  }
  return accepted;
}
