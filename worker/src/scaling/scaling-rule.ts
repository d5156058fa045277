/**
 * @module worker/scaling/scaling-rule
 * The replica rule KEDA's ScaledObject encodes, as a pure function the local scaler applies
 * the same way: desired = clamp(ceil(demand / slotsPerPod), min, max), growing at once and
 * shrinking only after the demand has stayed low for the cooldown.
 */
export interface ScalingRule {
  /** Job slots one worker process/pod offers (its concurrency). */
  slotsPerPod: number;
  minReplicas: number;
  maxReplicas: number;
  /** How long a lower target must persist before replicas are removed (KEDA cooldownPeriod / HPA stabilization). */
  scaleInCooldownMs: number;
}

export function desiredReplicas(demand: number, rule: ScalingRule): number {
  const raw = Math.ceil(Math.max(0, demand) / Math.max(1, rule.slotsPerPod));
  return Math.min(rule.maxReplicas, Math.max(rule.minReplicas, raw));
}

export interface ScalerState {
  replicas: number;
  /** Since when the desired count has been below the current one (null: it is not). */
  lowSince: number | null;
}

/** The next replica count for the current demand; scale-out is immediate, scale-in waits out the cooldown. */
export function nextReplicas(state: ScalerState, demand: number, now: number, rule: ScalingRule): ScalerState {
  const desired = desiredReplicas(demand, rule);
  if (desired > state.replicas) return { replicas: desired, lowSince: null };
  if (desired === state.replicas) return { replicas: desired, lowSince: null };
  const lowSince = state.lowSince ?? now;
  if (now - lowSince >= rule.scaleInCooldownMs) return { replicas: desired, lowSince: null };
  return { replicas: state.replicas, lowSince };
}
