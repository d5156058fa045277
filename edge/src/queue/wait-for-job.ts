/**
 * @module edge/queue/wait-for-job
 * Polls a job until it finishes or a deadline passes. The REST protocol has no blocking reads
 * or subscriptions, so waiting costs two commands per poll; the interval backs off from
 * 250 ms to 2 s to keep that bounded (~25 polls for a 30 s wait).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { readJob, type JobView } from './read-job.ts';

export const FINAL_STATES = new Set(['completed', 'failed']);

export interface WaitOptions {
  timeoutMs: number;
  /** Called with each new view (progress or status changed). */
  onChange?: (view: JobView) => void | Promise<void>;
  /** Stops early (client went away). */
  signal?: AbortSignal;
}

export async function waitForJob(broker: Redis, results: Redis, prefix: string, id: string, options: WaitOptions): Promise<JobView | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = 250;
  let last = '';
  for (;;) {
    const view = await readJob(broker, results, prefix, id);
    if (!view) return undefined;
    const fingerprint = JSON.stringify([view.status, view.progress, view.attempts]);
    if (fingerprint !== last) {
      last = fingerprint;
      await options.onChange?.(view);
    }
    if (FINAL_STATES.has(view.status) || Date.now() + interval > deadline || options.signal?.aborted) return view;
    await new Promise((resolve) => setTimeout(resolve, interval));
    interval = Math.min(interval * 2, 2000);
  }
}
