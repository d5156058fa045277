/**
 * @module worker/effects
 * The registry of effects a finished job has, in the order they run. Order matters where an
 * effect reads what an earlier one wrote: the callback sender reads the stored result, so the
 * result effect comes before it, and the artifacts effect before that (the result names the
 * files it stored). A new effect (a crawl's discovered links) is one module added here.
 *
 * Redis cost per completed job: one SET on the result store (plus one ZADD when files or an
 * oversized result went to the artifact store); one EVAL on the broker when the job is in a
 * batch; one callback-queue add when it has a callbackUrl. Plus one GET on the result store
 * when the run starts (recall).
 */
import type { Redis } from 'ioredis';
import type { WorkerArtifacts } from '../artifacts/index.ts';
import type { CallbackQueue } from '../callbacks/callback-worker.ts';
import type { ResultStore } from '../result-store.ts';
import { batchEffect } from './batch-effect.ts';
import { callbackEffect } from './callback-effect.ts';
import { artifactsEffect } from './artifacts-effect.ts';
import { runEffects, type JobEffects } from './job-effects.ts';
import { resultEffect } from './result-effect.ts';

export interface WorkerEffectsOptions {
  resultStore: ResultStore;
  broker: Redis;
  prefix: string;
  callbacks: CallbackQueue;
  /** The artifact store (screenshots, PDFs, oversized results); null without one. */
  artifacts?: WorkerArtifacts | null;
  /** QUARRY_RESULT_INLINE_MAX_BYTES (default 128 KiB). */
  resultInlineMaxBytes?: number;
  /** Enqueues a finished batch's export (worker/src/exports/); exports wait for the due sweep without it. */
  onExportDue?: (batchId: string) => Promise<void>;
}

export function createWorkerEffects(options: WorkerEffectsOptions): JobEffects {
  const { resultStore, broker, prefix, callbacks, artifacts = null, resultInlineMaxBytes = 128 * 1024, onExportDue } = options;
  const result = resultEffect(resultStore);
  const stored = artifactsEffect({ artifacts, inlineMaxBytes: resultInlineMaxBytes });
  return runEffects([stored, result, batchEffect(broker, prefix, onExportDue), callbackEffect(callbacks)], (jobId) => result.recall(jobId));
}

export { defineEffect, type Completion, type EffectData, type EffectDefinition, type EffectJob, type Failure } from './define-effect.ts';
export { runEffects, type JobEffects } from './job-effects.ts';
