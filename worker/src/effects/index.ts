/**
 * @module worker/effects
 * The registry of effects a finished job has, in the order they run. Order matters where an
 * effect reads what an earlier one wrote: the callback sender reads the stored result, so the
 * result effect comes first (an artifacts effect would come before it: the result names the
 * artifacts). A new effect (a crawl's discovered links, artifacts) is one module added here.
 *
 * Redis cost per completed job: one SET on the result store; one EVAL on the broker when the
 * job is in a batch; one callback-queue add when it has a callbackUrl. Plus one GET on the
 * result store when the run starts (recall).
 */
import type { Redis } from 'ioredis';
import type { CallbackQueue } from '../callbacks/callback-worker.ts';
import type { ResultStore } from '../result-store.ts';
import { batchEffect } from './batch-effect.ts';
import { callbackEffect } from './callback-effect.ts';
import { runEffects, type JobEffects } from './job-effects.ts';
import { resultEffect } from './result-effect.ts';

export interface WorkerEffectsOptions {
  resultStore: ResultStore;
  broker: Redis;
  prefix: string;
  callbacks: CallbackQueue;
}

export function createWorkerEffects(options: WorkerEffectsOptions): JobEffects {
  const { resultStore, broker, prefix, callbacks } = options;
  const result = resultEffect(resultStore);
  return runEffects([result, batchEffect(broker, prefix), callbackEffect(callbacks)], (jobId) => result.recall(jobId));
}

export { defineEffect, type Completion, type EffectData, type EffectDefinition, type EffectJob, type Failure } from './define-effect.ts';
export { runEffects, type JobEffects } from './job-effects.ts';
