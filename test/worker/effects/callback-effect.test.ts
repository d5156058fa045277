/**
 * @module test/worker/effects/callback-effect
 * The callback effect queues one delivery per finished job that has a callbackUrl, naming its
 * run, event and tenant; failure reasons are cut to 1,000 characters.
 */
import { describe, expect, it } from 'vitest';
import type { CallbackJobData } from '../../../worker/src/callbacks/callback-payload.ts';
import type { CallbackQueue } from '../../../worker/src/callbacks/callback-worker.ts';
import { callbackEffect } from '../../../worker/src/effects/callback-effect.ts';
import type { JobResult } from '../../../shared/job-result.ts';

const result: JobResult = {
  url: 'http://127.0.0.2/', finalUrl: 'http://127.0.0.2/', httpStatus: 200, title: null, extract: {},
  fetchedAt: 'at', durationMs: 1, mode: 'http', attempt: 1,
};

function recordingQueue(): CallbackQueue & { queued: CallbackJobData[] } {
  const queued: CallbackJobData[] = [];
  return { queued, async enqueue(data) { queued.push(data); }, async close() {} } as CallbackQueue & { queued: CallbackJobData[] };
}

describe('callback effect', () => {
  it('queues completed and failed deliveries with run and tenant, and nothing without a callbackUrl', async () => {
    const queue = recordingQueue();
    const effect = callbackEffect(queue);
    const callbackUrl = 'http://127.0.0.3/hook';
    await effect.completed({ jobId: 'j1', data: { run: 2, tenant: 'acme', request: { callbackUrl } } }, { result, artifacts: [], fromEarlierRun: false });
    await effect.failed({ jobId: 'j2', data: { request: { callbackUrl } } }, { reason: 'x'.repeat(1500), batchCounted: false });
    await effect.failed({ jobId: 'j3', data: undefined }, { reason: 'bad data', batchCounted: false });
    await effect.completed({ jobId: 'j4', data: { request: {} } }, { result, artifacts: [], fromEarlierRun: false });
    expect(queue.queued).toEqual([
      { jobId: 'j1', run: 2, callbackUrl, event: 'job.completed', tenant: 'acme' },
      { jobId: 'j2', run: 0, callbackUrl, event: 'job.failed', error: 'x'.repeat(1000) },
    ]);
  });
});
