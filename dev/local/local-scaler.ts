/**
 * @module dev/local/local-scaler
 * Applies the KEDA rule on one machine: every interval it measures Quarry's scaling demand
 * and starts or stops workers to match `nextReplicas` (scale-out at once, scale-in after the
 * cooldown), so scaling behaviour is exercised locally exactly as in a cluster. A worker is a
 * process (worker-process.ts) or a container (worker-container.ts, `npm start -- --containers`):
 * the rule and this loop are the same; stopping is SIGTERM either way (`podman stop`).
 */
import type { EligibleBacklog } from '../../worker/src/scaling/eligible-backlog.ts';
import { nextReplicas, type ScalerState, type ScalingRule } from '../../worker/src/scaling/scaling-rule.ts';

/** What the scaler needs of a worker: a graceful stop that resolves once it has exited. */
export interface ScalableWorker {
  stop(): Promise<unknown>;
}

export interface LocalScalerOptions<W extends ScalableWorker = ScalableWorker> {
  rule: ScalingRule;
  measure: () => Promise<EligibleBacklog>;
  /** Starts one more worker (a container start is asynchronous). */
  startWorker: () => W | Promise<W>;
  /** Workers alive now (the scaler stops the newest first). */
  workers: W[];
  intervalMs?: number;
  /** Every decision, for logs and tests. */
  onDecision?: (decision: ScalingDecision) => void;
  /** A measurement failed (the fleet is left as it is). */
  onError?: (error: unknown) => void;
}

export interface ScalingDecision {
  at: number;
  demand: number;
  eligibleBacklog: number;
  from: number;
  to: number;
}

export interface LocalScaler {
  /** Replicas the scaler currently wants. */
  replicas(): number;
  stop(): Promise<void>;
}

export function startLocalScaler<W extends ScalableWorker>(options: LocalScalerOptions<W>): LocalScaler {
  const { rule, measure, startWorker, workers, intervalMs = 1000, onDecision, onError } = { ...options };
  let state: ScalerState = { replicas: Math.max(rule.minReplicas, workers.length), lowSince: null };
  let stopped = false;
  const draining = new Set<Promise<unknown>>();
  const fill = async () => {
    while (workers.length < state.replicas) {
      const worker = await startWorker();
      // The stack's addWorker()/addContainer() already list the new worker in the same array:
      // listing it twice made the fleet one process short per start, and scale-in stop it twice.
      if (!workers.includes(worker)) workers.push(worker);
    }
  };

  const tick = async () => {
    let measured: EligibleBacklog;
    try {
      measured = await measure();
    } catch (error) {
      onError?.(error); // e.g. broker unreachable: keep the fleet as it is
      return;
    }
    const next = nextReplicas(state, measured.demand, Date.now(), rule);
    if (next.replicas !== state.replicas) {
      onDecision?.({ at: Date.now(), demand: measured.demand, eligibleBacklog: measured.eligibleBacklog, from: state.replicas, to: next.replicas });
    }
    state = next;
    await fill();
    while (workers.length > state.replicas) {
      const worker = workers.pop()!;
      const exit = worker.stop();
      draining.add(exit);
      void exit.finally(() => draining.delete(exit));
    }
  };

  // A failed start is reported like a failed measurement; the next tick tries again.
  const guarded = (step: () => Promise<void>) => () => step().catch((error: unknown) => onError?.(error));
  let running = guarded(fill)();
  const timer = setInterval(() => {
    if (!stopped) running = running.then(guarded(tick));
  }, intervalMs);
  return {
    replicas: () => state.replicas,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await Promise.allSettled([...draining]);
    },
  };
}
