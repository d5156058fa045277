/**
 * @module bench/soak/soak-outcome
 * Settles the books after the drain: every accepted job is completed (its result stored),
 * failed for good (in BullMQ's failed set) or lost; a job whose result was written more than once
 * is a duplicated effect, reported with its write times and the faults around them so the cause
 * can be told (a worker killed between the result write and BullMQ's finish, a broker restart).
 */
import type { Queue } from 'bullmq';
import type { ChaosEvent } from './chaos.ts';
import type { ResultWrites, SiteRequests } from './effect-counters.ts';
import type { StallWatch } from './stall-watch.ts';
import type { SoakJob } from './soak-workload.ts';

export interface Outcome {
  completed: number;
  failed: number;
  lost: number;
  duplicated: number;
  refetched: number;
  /** Jobs BullMQ moved back from a dead worker at least once. */
  stalled: number;
  /** Duplicates that fit the killed-between-store-and-finish pattern. */
  killedAfterStore: number;
  /** Jobs in BullMQ's failed set (a job with a stored result counts as completed, not here). */
  inFailedSet: number;
  findings: string[];
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** The fault nearest to `at`, with the signed distance ("0.1 s after …", "2.0 s before …"). */
function nearestFault(chaos: readonly ChaosEvent[], at: number): string {
  const nearest = [...chaos].sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at))[0];
  if (!nearest) return 'no fault';
  const seconds = ((at - nearest.at) / 1000).toFixed(1);
  return at >= nearest.at ? `${seconds} s after "${nearest.detail}"` : `${seconds.slice(1)} s before "${nearest.detail}"`;
}

async function jobState(queue: Queue, id: string): Promise<string> {
  const job = await queue.getJob(id).catch(() => undefined);
  if (!job) return 'job hash already removed by retention';
  const state = await queue.getJobState(id).catch(() => 'unknown');
  return `state ${state}, attemptsMade ${job.attemptsMade}, stalledCounter ${job.stalledCounter}${job.failedReason ? `, failedReason "${job.failedReason}"` : ''}`;
}

export async function settle(queue: Queue, jobs: readonly SoakJob[], writes: ResultWrites, site: SiteRequests, stalls: StallWatch, chaos: readonly ChaosEvent[]): Promise<Outcome> {
  const failedIds = new Set(await queue.getFailed(0, -1).then((list) => list.map((job) => job.id!)));
  const findings: string[] = [];
  let completed = 0;
  let failed = 0;
  const lost: SoakJob[] = [];
  const duplicated: SoakJob[] = [];
  for (const job of jobs) {
    const times = writes.writes.get(job.id);
    if (times?.length) completed++;
    else if (failedIds.has(job.id)) failed++;
    else lost.push(job);
    if (times && times.length > 1) duplicated.push(job);
  }
  for (const job of lost.slice(0, 10)) findings.push(`LOST ${job.id} (${job.url}): site requests ${site.byPath.get(job.path) ?? 0}, ${await jobState(queue, job.id)}`);
  // The pattern a SIGKILL between the result write and BullMQ's finish leaves: the first write within
  // a second of a kill, then the job moved back as stalled, then the second write.
  const killTimes = chaos.filter((event) => event.kind === 'worker-kill').map((event) => event.at);
  const fits = (job: SoakJob) => {
    const [first, second] = writes.writes.get(job.id)!;
    const stalledBetween = (stalls.stalled.get(job.id) ?? []).some((at) => at > first! && at < second!);
    return stalledBetween && killTimes.some((at) => Math.abs(at - first!) <= 1_000);
  };
  const killedAfterStore = duplicated.filter(fits).length;
  // The ones that do not fit the known pattern are the interesting ones: list them first.
  duplicated.sort((a, b) => Number(fits(a)) - Number(fits(b)));
  if (duplicated.length) {
    findings.push(`DUPLICATES: ${killedAfterStore} of ${duplicated.length} had their first result write within 1 s of a worker SIGKILL and were moved back as stalled before the second write (killed between the result write and BullMQ's finish); ${duplicated.length - killedAfterStore} did not fit that pattern`);
  }
  for (const job of duplicated.slice(0, 20)) {
    const times = writes.writes.get(job.id)!;
    const stalledAt = stalls.stalled.get(job.id) ?? [];
    findings.push(`DUPLICATE ${job.id} (${job.kind}): result written ${times.length}× at ${times.map(clock).join(', ')}; ` +
      `first write ${nearestFault(chaos, times[0]!)}; ${stalledAt.length ? `moved back as stalled at ${stalledAt.map(clock).join(', ')}` : 'never reported stalled'}; ` +
      `site requests ${site.byPath.get(job.path) ?? 0}; ${await jobState(queue, job.id)}`);
  }
  const kindOf = new Map(jobs.map((job) => [job.id, job.kind]));
  for (const id of [...failedIds].slice(0, 5)) findings.push(`FAILED ${id} (${kindOf.get(id) ?? 'probe'}): ${await jobState(queue, id)}`);
  if (failedIds.size > 0) {
    const withResult = [...failedIds].filter((id) => writes.writes.has(id)).length;
    findings.push(`FAILED: ${failedIds.size} in BullMQ's failed set, ${[...failedIds].filter((id) => kindOf.get(id) === 'js').length} of them browser jobs; ${withResult} of them also had a result stored (counted as completed)`);
  }
  let refetched = 0;
  for (const job of jobs) if ((site.byPath.get(job.path) ?? 0) > 1) refetched++;
  const stalled = jobs.filter((job) => stalls.stalled.has(job.id)).length;
  return { completed, failed, lost: lost.length, duplicated: duplicated.length, refetched, stalled, killedAfterStore, inFailedSet: failedIds.size, findings };
}
