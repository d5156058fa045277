/**
 * @module dev/local/local-scaler
 * Applies the KEDA rule on one machine: every interval it measures Quarry's scaling demand
 * and starts or SIGTERMs worker processes to match `nextReplicas` (scale-out at once,
 * scale-in after the cooldown), so scaling behaviour is exercised locally exactly as in a cluster.
 */
import type { EligibleBacklog } from '../../worker/src/scaling/eligible-backlog.ts';
import { nextReplicas, type ScalerState, type ScalingRule } from '../../worker/src/scaling/scaling-rule.ts';
import type { WorkerProcess } from './worker-process.ts';

export interface LocalScalerOptions {
  rule: ScalingRule;
  measure: () => Promise<EligibleBacklog>;
  /** Starts one more worker process. */
  startWorker: () => WorkerProcess;
  /** Workers alive now (the scaler stops the newest first). */
  workers: WorkerProcess[];
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

export function startLocalScaler(options: LocalScalerOptions): LocalScaler {
  const { rule, measure, startWorker, workers, intervalMs = 1000, onDecision, onError } = { ...options };
  let state: ScalerState = { replicas: Math.max(rule.minReplicas, workers.length), lowSince: null };
  let stopped = false;
  const draining = new Set<Promise<unknown>>();
  while (workers.length < state.replicas) workers.push(startWorker());

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
    while (workers.length < state.replicas) workers.push(startWorker());
    while (workers.length > state.replicas) {
      const worker = workers.pop()!;
      const exit = worker.stop();
      draining.add(exit);
      void exit.finally(() => draining.delete(exit));
    }
  };

  let running = Promise.resolve();
  const timer = setInterval(() => {
    if (!stopped) running = running.then(tick);
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
