/**
 * @module worker/scaling/scaling-signal
 * Wires the eligible-backlog measurement to a broker connection and the fleet's limits, and
 * the replica rule to the worker config; shared by the scaler service and the local scaler.
 */
import type { Redis } from 'ioredis';
import { decodeRates } from '../../../shared/domain-limits.ts';
import type { WorkerConfig } from '../config.ts';
import { createDomainLimiter } from '../politeness/index.ts';
import { measureEligibleBacklog, type EligibleBacklog } from './eligible-backlog.ts';
import type { ScalingRule } from './scaling-rule.ts';

export function scalingRule(config: WorkerConfig): ScalingRule {
  return {
    slotsPerPod: config.concurrency,
    minReplicas: config.minReplicas,
    maxReplicas: config.maxReplicas,
    scaleInCooldownMs: config.scaleInCooldownSeconds * 1000,
  };
}

export function eligibleBacklogMeter(redis: Redis, config: WorkerConfig): () => Promise<EligibleBacklog> {
  const limiter = createDomainLimiter({
    redis, prefix: config.prefix,
    defaults: { rates: decodeRates(config.domainRates), concurrency: config.domainConcurrency },
    safetyMargin: 0.05, // as the workers' limiter (politeness/worker-politeness.ts)
  });
  return () => measureEligibleBacklog({ redis, prefix: config.prefix, usage: (domain) => limiter.usage(domain) });
}
