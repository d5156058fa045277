import { describe, expect, it } from 'vitest';
import { desiredReplicas, nextReplicas, type ScalingRule } from '../../worker/src/scaling/scaling-rule.ts';

const rule: ScalingRule = { slotsPerPod: 10, minReplicas: 1, maxReplicas: 5, scaleInCooldownMs: 30_000 };

describe('scaling rule', () => {
  it.each([[0, 1], [1, 1], [10, 1], [11, 2], [45, 5], [1000, 5]])('demand %i → %i replicas', (demand, replicas) => {
    expect(desiredReplicas(demand, rule)).toBe(replicas);
  });

  it('scales to zero when the minimum allows it', () => {
    expect(desiredReplicas(0, { ...rule, minReplicas: 0 })).toBe(0);
  });

  it('grows at once and shrinks only after the cooldown', () => {
    let state = nextReplicas({ replicas: 1, lowSince: null }, 40, 0, rule);
    expect(state).toEqual({ replicas: 4, lowSince: null });
    state = nextReplicas(state, 0, 1_000, rule);
    expect(state.replicas).toBe(4);
    state = nextReplicas(state, 0, 20_000, rule);
    expect(state.replicas).toBe(4);
    state = nextReplicas(state, 35, 25_000, rule); // demand back: the low period resets
    expect(state).toEqual({ replicas: 4, lowSince: null });
    state = nextReplicas(state, 0, 26_000, rule);
    state = nextReplicas(state, 0, 56_000, rule);
    expect(state).toEqual({ replicas: 1, lowSince: null });
  });
});
