/**
 * @module bench/suites/jobs/measure-job-system
 * One measurement of one job system: fresh broker and result-store Redis, the system started
 * and ready, then the window from the first enqueue to the last stored result — jobs/s,
 * enqueue→result latency, the system's CPU and peak memory (whole process tree), and Redis
 * commands per job — and a check of a sample of results against the pages.
 */
import type { Redis } from 'ioredis';
import { benchRedis } from '../../setup/redis-client.ts';
import { startRedisServer } from '../../../dev/local/redis-server.ts';
import type { Measurement } from '../../core/repeat.ts';
import { startCompletionTracker } from '../../measure/completion-tracker.ts';
import { summarizeLatencies } from '../../measure/latency.ts';
import { diffRedisCounters, readRedisCounters } from '../../measure/redis-counters.ts';
import { startResourceMonitor } from '../../measure/resource-monitor.ts';
import { pageNumber } from '../../workload/pages.ts';
import { checkFields, sampleEvenly } from '../../workload/verify.ts';
import type { EnqueuedJob, JobSystem, SystemEnv } from './job-system.ts';

export interface MeasureOptions {
  urls: readonly string[];
  /** Fail when no result arrives for this long. */
  stallTimeoutMs: number;
  /** Results checked against the pages. */
  verifySample?: number;
}

export type BaseEnv = Omit<SystemEnv, 'brokerUrl' | 'resultsUrl'>;

async function verify(system: JobSystem, env: BaseEnv, results: Redis, jobs: Map<string, EnqueuedJob>, sample: number): Promise<string[]> {
  if (!system.readFields) return [];
  const ids = sampleEvenly([...jobs.keys()], sample);
  const values = await results.mget(ids.map((id) => system.resultKeyOf(id)));
  const problems = ids.flatMap((id, i) => {
    const raw = values[i];
    if (raw === null || raw === undefined) return [`no result stored for job ${id}`];
    return checkFields(env.kind, pageNumber(jobs.get(id)!.url), system.readFields!(raw));
  });
  return problems.length === 0 ? [] : [`${problems.length} wrong fields in ${ids.length} checked results, e.g. ${problems[0]}`];
}

/** `{evalsha: 12.3, …}` per job, largest first, for the JSON. */
function perJob(byCommand: Record<string, number>, count: number): Record<string, number> {
  return Object.fromEntries(Object.entries(byCommand).sort((a, b) => b[1] - a[1]).map(([name, calls]) => [name, Math.round((calls / count) * 100) / 100]));
}

export async function measureJobSystem(system: JobSystem, env: BaseEnv, options: MeasureOptions): Promise<Measurement> {
  const { urls, stallTimeoutMs, verifySample = 20 } = { ...options };
  const stops: Array<() => Promise<void>> = [];
  try {
    const broker = await startRedisServer({ appendOnly: false, maxmemoryPolicy: 'noeviction' });
    stops.push(env.cleanup.add('broker redis', () => broker.stop()));
    const results = await startRedisServer({ appendOnly: false, maxmemoryPolicy: 'allkeys-lru' });
    stops.push(env.cleanup.add('results redis', () => results.stop()));
    const tracker = await startCompletionTracker({ redisUrl: results.url, jobIdOf: (key) => system.jobIdOf(key) });
    stops.push(() => tracker.close());
    const brokerAdmin = benchRedis(broker.url);
    const resultsAdmin = benchRedis(results.url);
    stops.push(async () => void (brokerAdmin.disconnect(), resultsAdmin.disconnect()));

    const running = await system.start({ ...env, brokerUrl: broker.url, resultsUrl: results.url });
    stops.push(env.cleanup.add(system.label, () => running.stop()));

    const brokerBefore = await readRedisCounters(brokerAdmin);
    const resultsBefore = await readRedisCounters(resultsAdmin);
    const monitor = startResourceMonitor({ roots: () => running.roots() });
    const jobs = await running.enqueue(urls);
    try {
      await tracker.waitForCount(urls.length, { stallTimeoutMs });
    } catch (error) {
      monitor.stop();
      const state = running.diagnose ? `; ${await running.diagnose().catch((e: Error) => e.message)}` : '';
      throw new Error(`${(error as Error).message}${state}`);
    }
    const usage = monitor.stop();
    const brokerDelta = diffRedisCounters(brokerBefore, await readRedisCounters(brokerAdmin));
    const resultsDelta = diffRedisCounters(resultsBefore, await readRedisCounters(resultsAdmin));

    const latencies: number[] = [];
    let first = Number.POSITIVE_INFINITY;
    let lastEnqueued = 0;
    let last = 0;
    for (const [id, job] of jobs) {
      const done = tracker.completed.get(id);
      first = Math.min(first, job.at);
      lastEnqueued = Math.max(lastEnqueued, job.at);
      if (done === undefined) continue;
      last = Math.max(last, done);
      latencies.push(done - job.at);
    }
    const latency = summarizeLatencies(latencies);
    const count = urls.length;
    const notes = await verify(system, env, resultsAdmin, jobs, verifySample);
    if (latencies.length !== count) notes.push(`${count - latencies.length} results not matched to an enqueued job`);
    return {
      figures: {
        jobsPerSecond: count / ((last - first) / 1000),
        p50Ms: latency.p50,
        p99Ms: latency.p99,
        // How long handing over the jobs took: a slow enqueue spreads arrivals and shortens queueing latency.
        enqueueSpanSeconds: (lastEnqueued - first) / 1000,
        cpuSeconds: usage.cpuSeconds,
        cpuMsPerJob: (usage.cpuSeconds * 1000) / count,
        peakPssMb: usage.peakPssMb,
        peakRssMb: usage.peakRssMb,
        peakProcesses: usage.peakProcesses,
        brokerCommandsPerJob: system.broker ? brokerDelta.commands / count : null,
        brokerRedisCpuSeconds: system.broker ? brokerDelta.cpuSeconds : null,
        resultCommandsPerJob: resultsDelta.commands / count,
      },
      details: {
        brokerCommandsPerJobByName: perJob(brokerDelta.byCommand, count),
        resultCommandsPerJobByName: perJob(resultsDelta.byCommand, count),
        jobs: count,
        completed: latencies.length,
      },
      notes,
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
