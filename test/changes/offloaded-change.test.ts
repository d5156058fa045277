/**
 * A result too large to keep inline is offloaded to the artifact store; its stub still says
 * whether the page changed (without the diff), so `callbackOn: "change"` and readers of the
 * stub decide on the real status.
 */
import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../shared/job-result.ts';
import { offloadedResult } from '../../shared/result-offload.ts';

describe('offloaded result stub', () => {
  it('keeps change.status and previousAt, and names change as offloaded (the diff is in the file)', () => {
    const result: JobResult = {
      url: 'https://a.example/', finalUrl: 'https://a.example/', httpStatus: 200, title: 't', extract: { big: 'x'.repeat(10) },
      fetchedAt: '2026-12-02T00:00:00.000Z', durationMs: 1, mode: 'http', attempt: 1,
      change: { status: 'changed', previousAt: '2026-12-01T00:00:00.000Z', diff: { fields: { big: { previous: 'y', current: 'x' } } } },
    };
    const ref = { name: 'result.json', type: 'result' as const, contentType: 'application/json', bytes: 1, key: 'k' };
    const stub = offloadedResult(result, ref);
    expect(stub.change).toEqual({ status: 'changed', previousAt: '2026-12-01T00:00:00.000Z', diff: null });
    expect(stub.offloaded).toContain('change');
    expect(offloadedResult({ ...result, change: undefined } as JobResult, ref).change).toBeUndefined();
  });
});
