/**
 * @module test/worker/effects/job-effects
 * The effects runner: effects run in registry order, only those with the hook, and the first
 * error stops the rest (the job's next run repeats them; each is idempotent).
 */
import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../../shared/job-result.ts';
import { defineEffect, runEffects, type Completion } from '../../../worker/src/effects/index.ts';

const result: JobResult = {
  url: 'http://127.0.0.2/', finalUrl: 'http://127.0.0.2/', httpStatus: 200, title: null, extract: {},
  fetchedAt: 'at', durationMs: 1, mode: 'http', attempt: 1,
};
const completion: Completion = { result, artifacts: [], fromEarlierRun: false };
const job = { jobId: 'j1', data: { batchId: 'b1' } };

describe('runEffects', () => {
  it('runs completed and failed hooks in order, skipping effects without the hook', async () => {
    const seen: string[] = [];
    const effects = runEffects([
      defineEffect({ name: 'a', async completed(j) { seen.push(`a completed ${j.jobId}`); }, async failed(_j, f) { seen.push(`a failed ${f.reason}`); } }),
      defineEffect({ name: 'b', async completed() { seen.push('b completed'); } }),
      defineEffect({ name: 'c', async failed(_j, f) { seen.push(`c failed ${f.batchCounted}`); } }),
    ], async () => null);
    await effects.completed(job, completion);
    await effects.failed(job, { reason: 'boom', batchCounted: true });
    expect(seen).toEqual(['a completed j1', 'b completed', 'a failed boom', 'c failed true']);
  });

  it('stops at the first effect that throws', async () => {
    const boom = new Error('broker down');
    let after = false;
    const effects = runEffects([
      defineEffect({ name: 'fails', async completed() { throw boom; } }),
      defineEffect({ name: 'after', async completed() { after = true; } }),
    ], async () => null);
    await expect(effects.completed(job, completion)).rejects.toBe(boom);
    expect(after).toBe(false);
  });

  it('recalls through the function it was given', async () => {
    const effects = runEffects([], async (jobId) => (jobId === 'j1' ? result : null));
    expect(await effects.recall('j1')).toBe(result);
    expect(await effects.recall('j2')).toBeNull();
  });
});
