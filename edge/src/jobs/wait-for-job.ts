/**
 * @module edge/jobs/wait-for-job
 * Polls a job until it finishes or a deadline passes. The REST protocol has no blocking reads
 * or subscriptions, so each poll is a readJob: EVALSHA on the broker plus GET + HGETALL on the
 * result store, 3 commands. The interval backs off from 250 ms to 2 s to keep that bounded
 * (18 polls, 54 commands, for a 30 s wait on a job that does not finish; 153 polls, 459
 * commands, for a 5-minute stream).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { readJob, type JobView } from './read-job.ts';

export const FINAL_STATES = new Set(['completed', 'failed']);

export interface WaitOptions {
  timeoutMs: number;
  /** Called with each new view (progress or status changed). */
  onChange?: (view: JobView) => void | Promise<void>;
  /** Stops early (client went away): the pause between polls ends at once. */
  signal?: AbortSignal;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
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
    await pause(interval, options.signal);
    if (options.signal?.aborted) return view;
    interval = Math.min(interval * 2, 2000);
  }
}
