/**
 * @module test/worker/pipeline/acquire
 * The acquire stage: the gate's pass is taken when the loader admits the job, starts its
 * deadline, and is released (and a failure shown to the gate) whatever the loader ends with.
 */
import { describe, expect, it } from 'vitest';
import { withAdmission } from '../../../worker/src/pipeline/acquire/admission.ts';
import { recordingGate, testContext } from './context.ts';

const url = 'http://127.0.0.2/page/1';

describe('withAdmission', () => {
  it('enters the gate only when the loader admits, starts the deadline, then releases', async () => {
    const gate = recordingGate();
    const ctx = testContext({ url }, { jobId: 'j7', firstStart: false });
    const seen = await withAdmission(gate, ctx, async (admission) => {
      expect(gate.calls).toEqual([]); // nothing taken before admit (a browser job waits for a page first)
      expect(admission.urlChecked).toBe(false);
      await admission.admit();
      expect(ctx.deadline.at).toBeDefined();
      await admission.hop!(new URL('http://127.0.0.3/next'));
      return admission.urlChecked;
    });
    expect(seen).toBe(true);
    expect(gate.calls).toEqual([`enter j7 ${url} false`, 'hop http://127.0.0.3/next', 'release']);
  });

  it('shows a load failure to the gate and throws what the gate returns, after releasing', async () => {
    class Mapped extends Error {}
    const gate = recordingGate({ mapError: () => new Mapped('cooling down') });
    const failure = withAdmission(gate, testContext({ url }), async (admission) => {
      await admission.admit();
      throw new TypeError('429');
    });
    await expect(failure).rejects.toBeInstanceOf(Mapped);
    expect(gate.calls).toEqual([`enter job-1 ${url} true`, 'onError TypeError', 'release']);
  });

  it('passes the gate\'s own refusal through untouched, with nothing to release', async () => {
    const refusal = new Error('throttled');
    const gate = recordingGate({ refuse: refusal });
    await expect(withAdmission(gate, testContext({ url }), async (admission) => admission.admit())).rejects.toBe(refusal);
    expect(gate.calls).toEqual([`enter job-1 ${url} true`]);
  });

  it('without a gate, admits at once (the deadline still starts) and has no hop', async () => {
    const ctx = testContext({ url });
    await withAdmission(undefined, ctx, async (admission) => {
      expect(admission.hop).toBeUndefined();
      await admission.admit();
      expect(admission.urlChecked).toBe(false);
    });
    expect(ctx.deadline.at).toBeDefined();
  });
});
