/**
 * @module test/politeness/simulated-queue
 * A stand-in for a BullMQ worker around the domain limiter: N concurrent slots take jobs,
 * acquire, and on DENIED park the job on a timer until `retryAt` (plus a little lateness, like
 * the delayed set) — the system under test, not test synchronisation.
 */
import type { AcquireGranted, DomainLimiter } from '../../worker/src/politeness/index.ts';

export interface SimJob {
  id: string;
  domain: string;
  url?: string;
}

export interface SimGrant {
  jobId: string;
  domain: string;
  /** Redis-clock ms the limiter granted. */
  grantedAt: number;
  /** The grant's slot in the domain log (≤ grantedAt). */
  slotAt: number;
  /** Local epoch ms (sub-ms) when work started. */
  startedAt: number;
  /** Every acquire of this job: `<calledAt> <G|D> <at> <reason>` (for diagnosing a failure). */
  trace: string[];
}

export interface SimulatedQueueOptions {
  limiter: DomainLimiter;
  jobs: readonly SimJob[];
  /** Parallel job slots (BullMQ's worker concurrency). */
  concurrency: number;
  /** Extra delay after `retryAt`, like the queue's late wake-ups, ms. */
  lateness?: () => number;
  /** The job's work once granted (the request to the site). */
  work?: (job: SimJob, grant: AcquireGranted) => Promise<void>;
}

export interface SimulatedQueueResult {
  grants: SimGrant[];
  acquires: number;
  deferrals: number;
  reasons: Record<string, number>;
  /** Returning jobs whose reserved slot was given up (late, or no lease free) and who queued again. */
  requeued: number;
  /** How late (+) or early (-) returning jobs called acquire relative to their slot, ms. */
  returnOffsets: number[];
}

export const preciseNow = () => performance.timeOrigin + performance.now();

export async function runSimulatedQueue(options: SimulatedQueueOptions): Promise<SimulatedQueueResult> {
  const { limiter, concurrency, lateness = () => 0, work = async () => {} } = options;
  const ready = [...options.jobs];
  const wakers: Array<() => void> = [];
  const result: SimulatedQueueResult = { grants: [], acquires: 0, deferrals: 0, reasons: {}, requeued: 0, returnOffsets: [] };
  /** Each parked job's slot, as a local-clock time. */
  const slots = new Map<string, number>();
  const traces = new Map<string, string[]>();
  let pending = ready.length;

  const wakeOne = () => wakers.shift()?.();
  const next = async (): Promise<SimJob | undefined> => {
    for (;;) {
      const job = ready.shift();
      if (job) return job;
      if (pending === 0) return undefined;
      await new Promise<void>((resolve) => wakers.push(resolve));
    }
  };

  const slot = async () => {
    for (let job = await next(); job; job = await next()) {
      const calledAt = Date.now();
      const decision = await limiter.acquire(job.domain, job.id);
      result.acquires += 1;
      const slot = slots.get(job.id);
      const trace = traces.get(job.id) ?? [];
      traces.set(job.id, trace);
      trace.push(decision.granted ? `${calledAt} G ${decision.grantedAt} waited ${decision.waitedMs}` : `${calledAt} D ${decision.eligibleAt} ${decision.reason}`);
      if (slot !== undefined) result.returnOffsets.push(calledAt - slot);
      if (!decision.granted) {
        if (slot !== undefined && Math.abs(calledAt + decision.delayMs - slot) > 5) result.requeued += 1;
        slots.set(job.id, calledAt + decision.delayMs);
        result.deferrals += 1;
        result.reasons[decision.reason] = (result.reasons[decision.reason] ?? 0) + 1;
        const parked = job;
        setTimeout(() => { ready.push(parked); wakeOne(); }, Math.max(0, decision.retryAt - Date.now()) + lateness());
        continue;
      }
      const startedAt = preciseNow();
      try {
        await work(job, decision);
      } finally {
        await decision.release();
      }
      result.grants.push({ jobId: job.id, domain: job.domain, grantedAt: decision.grantedAt, slotAt: decision.slotAt, startedAt, trace });
      pending -= 1;
      if (pending === 0) wakers.splice(0).forEach((wake) => wake());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  return result;
}
