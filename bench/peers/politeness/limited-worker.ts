/**
 * @module bench/peers/politeness/limited-worker
 * The politeness suite's BullMQ peers: a bare `Worker` that fetches each job's URL, extracts the
 * page with cheerio/slim and stores the result like Quarry, throttled one of two common ways:
 * - `global`: BullMQ's own queue-wide limiter (`limiter: {max, duration}`, kept in Redis, shared
 *   by every worker of the queue, blind to domains);
 * - `local`: a per-domain limiter in this process's memory (local-limiter.ts); a job waits for
 *   its slot while holding its worker slot, as in-process limiters do.
 * Prints `ready` once connected.
 *
 * Env: those of bench/peers/bullmq/bench-worker.ts, and BENCH_LIMITER (JSON
 * `{"kind":"global","max":34,"duration":1000}` or `{"kind":"local","domains":{host:{rates,concurrency}}}`).
 */
import { parseAndExtract } from '../extract-page.ts';
import { benchEnv, serveBenchWorker } from '../bullmq/bench-worker.ts';
import { createLocalLimiter, type LocalDomainLimits } from './local-limiter.ts';

export type LimiterConfig =
  | { kind: 'global'; max: number; duration: number }
  | { kind: 'local'; domains: Record<string, LocalDomainLimits> };

const config = JSON.parse(benchEnv('BENCH_LIMITER')) as LimiterConfig;
const local = config.kind === 'local' ? createLocalLimiter(config.domains) : undefined;

await serveBenchWorker(({ fetchPage, storeResult }) => async (job) => {
  const url = job.data.request.url;
  const release = await local?.acquire(new URL(url).hostname);
  try {
    const { status, html } = await fetchPage(url);
    await storeResult(job, parseAndExtract(html));
    return { status };
  } finally {
    release?.();
  }
}, config.kind === 'global' ? { limiter: { max: config.max, duration: config.duration } } : {});
