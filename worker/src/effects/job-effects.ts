/**
 * @module worker/effects/job-effects
 * Runs a list of effects (define-effect.ts) for a job that finished: in order, each awaited,
 * the first error ending the run (the effects are idempotent, so the job's next run or the
 * failed-job sweeper repeats them all).
 */
import type { JobResult } from '../../../shared/job-result.ts';
import type { Completion, EffectData, EffectDefinition, EffectJob, Failure } from './define-effect.ts';

export interface JobEffects {
  /**
   * The result an earlier run of the job stored, or null (the pipeline then does the work).
   * With the job's data: a crawl's page recalls it only once its crawl recorded the page.
   */
  recall(jobId: string, data?: EffectData): Promise<JobResult | null>;
  completed(job: EffectJob, completion: Completion): Promise<void>;
  failed(job: EffectJob, failure: Failure): Promise<void>;
}

export function runEffects(effects: readonly EffectDefinition[], recall: JobEffects['recall']): JobEffects {
  return {
    recall,
    async completed(job, completion) {
      for (const effect of effects) await effect.completed?.(job, completion);
    },
    async failed(job, failure) {
      for (const effect of effects) await effect.failed?.(job, failure);
    },
  };
}
