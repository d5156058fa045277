/**
 * @module test/worker/hand-back
 * A prioritized job handed back at the shutdown deadline wakes an idle worker at once. BullMQ
 * re-queues it without the queue's wake-up marker, so without ours the idle worker (here with a
 * 30 s drainDelay) would only see it at its next poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { HOST_A, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

describe('hand-back', () => {
  it('a prioritized job handed back is taken by an idle worker without waiting for its poll', async () => {
    const first = await h.startWorker();
    const job = await h.add({ url: h.site.url(HOST_A, '/slow?ms=1500&handback=1'), timeoutMs: 10_000 }, { priority: 5 });
    await waitFor(() => first.activeJobIds().includes(job.id!), { timeoutMs: 10_000, description: 'the first worker to take the job' });
    // Idle and blocked on the marker before the hand-back, with a poll far beyond the wait below.
    const second = await h.startWorker({}, { workerOptions: { drainDelay: 30 } });
    expect(second.activeJobIds()).toEqual([]);

    const report = await first.close({ timeoutMs: 200 });
    expect(report.handedBack).toEqual([job.id]);
    const done = await h.settled(job, ['completed'], 10_000);
    expect(done.returnvalue).toMatchObject({ attempt: 1 }); // the hand-back spent no attempt
    expect(h.site.log.filter((entry) => entry.path.includes('handback=1'))).toHaveLength(2);
  });
});
