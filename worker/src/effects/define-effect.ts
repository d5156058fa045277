/**
 * @module worker/effects/define-effect
 * An effect is what a finished job changes outside its own result: the result store, its
 * batch's counters, its callback, and later its artifacts, a crawl's discovered links...
 * Each is one module, `defineEffect({ name, completed?, failed? })`, registered in index.ts.
 *
 * The contract:
 * - Idempotent per job id (and run): a job can finish twice (its worker died after the effect
 *   and before BullMQ recorded the finish; a failure is seen both by the worker's `failed`
 *   listener and by the failed-job sweeper), and must have each effect once.
 * - `completed` runs after the outputs, in registry order: an effect may rely on the ones
 *   before it (the callback reads the result the result effect stored). On a run that found its
 *   result stored by an earlier run (`fromEarlierRun`), every effect runs again.
 * - `failed` runs once the job failed for good; its data may be invalid (the reason it failed),
 *   hence partial.
 * - The first effect that throws stops the ones after it; the job's next run (BullMQ retry, or
 *   the sweeper for failures) repeats them all, which is why they are idempotent.
 */
import type { JobData } from '../../../shared/job-schema.ts';
import type { StoredResult } from '../../../shared/job-result.ts';
import type { OutputArtifact } from '../pipeline/outputs/define-output.ts';
import type { Page } from '../pipeline/page/page.ts';

/** What the effects need of a job's data; a failed job's data may be invalid, hence partial. */
export type EffectData = Partial<Pick<JobData, 'batchId' | 'run' | 'tenant' | 'crawl'>> & {
  request?: Partial<Pick<JobData['request'], 'url' | 'changeTracking' | 'callbackOn'>> & { callbackUrl?: string | undefined; mode?: string };
  /** A crawl's seed job (worker/src/crawls/crawl-seed.ts). */
  crawlSeed?: { id: string };
};

export interface EffectJob {
  jobId: string;
  data: EffectData | undefined;
}

export interface Completion {
  result: StoredResult;
  /** Files the outputs produced (none on a run that found its result stored). */
  artifacts: readonly OutputArtifact[];
  /** The result was stored by an earlier run of the job: nothing was fetched this time. */
  fromEarlierRun: boolean;
  /** The page this run fetched (none on a run that found its result stored): a crawl reads its links. */
  page?: Page;
}

export interface Failure {
  /** Why the job failed (its last error's message). */
  reason: string;
  /** The failed-job sweeper already counted the batch in its own script. */
  batchCounted: boolean;
}

export interface EffectDefinition {
  readonly name: string;
  completed?(job: EffectJob, completion: Completion): Promise<void>;
  failed?(job: EffectJob, failure: Failure): Promise<void>;
}

/** Types the hooks' parameters; members beyond the hooks (the result effect's `recall`) stay on the returned object. */
export function defineEffect<Extra extends object = object>(definition: EffectDefinition & Extra): EffectDefinition & Extra {
  return definition;
}

/** The run number of a job (manual retries so far) from its possibly invalid data. */
export function runOf(data: EffectData | undefined): number {
  return typeof data?.run === 'number' ? data.run : 0;
}
