/**
 * @module bench/soak/drain
 * Waiting for the queue to empty under faults (a killed worker's jobs stay "active" until their
 * lock expires, so an empty queue means every job reached an end), and checking a sample of the
 * stored results against the pages, so a run that stores garbage cannot pass.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { resultKey } from '../../shared/keys.ts';
import { readQuarryFields } from '../suites/jobs/systems/result-format.ts';
import { pageNumber } from '../workload/pages.ts';
import { checkFields, sampleEvenly } from '../workload/verify.ts';
import type { SoakJob } from './soak-workload.ts';

const UNFINISHED = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export interface DrainOptions {
  queue: Queue;
  /** Jobs with a stored result so far. */
  done: () => number;
  total: number;
  /** Give up when neither the results nor the queue's counts changed for this long. */
  stallTimeoutMs: number;
  log: (line: string) => void;
}

/** Resolves once no job is unfinished (twice in a row, a second apart); throws on a stall. */
export async function drain(options: DrainOptions): Promise<void> {
  const { queue, done, total, stallTimeoutMs, log } = { ...options };
  let last = '';
  let lastChange = Date.now();
  let lastLog = 0;
  let emptyPolls = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // During the broker restart the call waits for the reconnection (maxRetriesPerRequest: null).
    const counts = await queue.getJobCounts(...UNFINISHED);
    const unfinished = UNFINISHED.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
    const state = `${done()} ${JSON.stringify(counts)}`;
    if (state !== last) {
      last = state;
      lastChange = Date.now();
    }
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`  ${done()}/${total} results; waiting ${counts.waiting}, active ${counts.active}, delayed ${counts.delayed}`);
    }
    emptyPolls = unfinished === 0 ? emptyPolls + 1 : 0;
    if (emptyPolls >= 2) return;
    if (Date.now() - lastChange > stallTimeoutMs) {
      throw new Error(`no progress for ${stallTimeoutMs / 1000} s: ${done()}/${total} results, ${JSON.stringify(counts)}`);
    }
  }
}

/** Problems found in up to 40 stored results (http and browser), checked against the pages. */
export async function verifySample(results: Redis, prefix: string, jobs: readonly SoakJob[]): Promise<string[]> {
  const problems: string[] = [];
  for (const kind of ['page', 'js'] as const) {
    const sample = sampleEvenly(jobs.filter((job) => job.kind === kind), 20);
    const values = sample.length ? await results.mget(sample.map((job) => resultKey(prefix, job.id))) : [];
    sample.forEach((job, i) => {
      const raw = values[i];
      if (raw) problems.push(...checkFields(kind, pageNumber(job.url), readQuarryFields(raw)));
    });
  }
  return problems.length ? [`WRONG FIELDS in sampled results: ${problems.length}, e.g. ${problems.slice(0, 3).join('; ')}`] : [];
}
