/**
 * @module worker/effects
 * The registry of effects a finished job has, in the order they run. Order matters where an
 * effect reads what an earlier one wrote: the callback sender reads the stored result, so the
 * result effect comes before it, and the artifacts effect before that (the result names the
 * files it stored). A new effect (a crawl's discovered links) is one module added here.
 *
 * Redis cost per completed job: one EVALSHA on the result store when it tracks changes
 * (changes/snapshot-store.ts); one SET on the result store (plus one ZADD when files or an
 * oversized result went to the artifact store); one EVAL on the broker when the job is in a
 * batch; one callback-queue add when it has a callbackUrl. Plus one GET on the result store
 * when the run starts (recall). A crawl's page adds its crawl effect
 * (worker/src/crawls/crawl-effect.ts: one EVALSHA on each store) and, at the start of a run,
 * one GETBIT on the broker before the recall (the GET only when that bit is set).
 */
import type { Redis } from 'ioredis';
import type { WorkerArtifacts } from '../artifacts/index.ts';
import type { CallbackQueue } from '../callbacks/callback-worker.ts';
import type { ResultStore } from '../result-store.ts';
import { batchEffect } from './batch-effect.ts';
import { callbackEffect } from './callback-effect.ts';
import { artifactsEffect } from './artifacts-effect.ts';
import { changeEffect } from '../changes/change-effect.ts';
import type { SnapshotStore } from '../changes/snapshot-store.ts';
import { runEffects, type JobEffects } from './job-effects.ts';
import { resultEffect } from './result-effect.ts';
import type { EffectData, EffectDefinition } from './define-effect.ts';

/** A crawl's part (worker/src/crawls/): its effect, and when a crawl page may recall its result. */
export interface CrawlEffects {
  effect: EffectDefinition;
  mayRecall(data: EffectData | undefined): Promise<boolean>;
}

export interface WorkerEffectsOptions {
  resultStore: ResultStore;
  /** Change-tracking snapshots (in the result store's Redis); none: changeTracking is ignored. */
  snapshots?: SnapshotStore;
  broker: Redis;
  prefix: string;
  callbacks: CallbackQueue;
  /** The artifact store (screenshots, PDFs, oversized results); null without one. */
  artifacts?: WorkerArtifacts | null;
  /** QUARRY_RESULT_INLINE_MAX_BYTES (default 128 KiB). */
  resultInlineMaxBytes?: number;
  /** Enqueues a finished batch's export (worker/src/exports/); exports wait for the due sweep without it. */
  onExportDue?: (batchId: string) => Promise<void>;
  crawls?: CrawlEffects;
}

export function createWorkerEffects(options: WorkerEffectsOptions): JobEffects {
  const { resultStore, broker, prefix, callbacks, artifacts = null, resultInlineMaxBytes = 128 * 1024, onExportDue, crawls, snapshots } = options;
  const result = resultEffect(resultStore);
  const stored = artifactsEffect({ artifacts, inlineMaxBytes: resultInlineMaxBytes });
  // The change effect first: it writes result.change, which the stored (or offloaded) result
  // carries. Artifacts before the result (the result names the files); the crawl effect right
  // after the result: a page's record and links go to its crawl once the result is stored, so a
  // crawl that completes has every page's result.
  const change = snapshots ? [changeEffect(snapshots, prefix)] : [];
  const effects = [...change, stored, result, ...(crawls ? [crawls.effect] : []), batchEffect(broker, prefix, onExportDue), callbackEffect(callbacks)];
  return runEffects(effects, async (jobId, data) => (crawls && !(await crawls.mayRecall(data)) ? null : result.recall(jobId)));
}

export { defineEffect, type Completion, type EffectData, type EffectDefinition, type EffectJob, type Failure } from './define-effect.ts';
export { runEffects, type JobEffects } from './job-effects.ts';
