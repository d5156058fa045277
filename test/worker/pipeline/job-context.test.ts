/**
 * @module test/worker/pipeline/job-context
 * The JobContext the processor builds once per run, and its deadline that starts at admission.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createDeadline, createJobContext } from '../../../worker/src/pipeline/job-context.ts';
import { jobData } from '../harness.ts';

describe('createJobContext', () => {
  it('carries the job id, tenant, attempt, options and a deadline of the job timeout', () => {
    const data = { ...jobData({ url: 'http://127.0.0.2/page/1', timeoutMs: 5_000 }), tenant: 'acme' };
    const signal = new AbortController().signal;
    const ctx = createJobContext({ jobId: 'j1', data, attempt: 2, firstStart: false, signal, logger: pino({ level: 'silent' }) });
    expect(ctx).toMatchObject({ jobId: 'j1', tenant: 'acme', attempt: 2, firstStart: false, signal });
    expect(ctx.options).toBe(data.request);
    expect(ctx.deadline.timeoutMs).toBe(5_000);
    expect(ctx.deadline.at).toBeUndefined();
  });
});

describe('createDeadline', () => {
  it('gives the whole budget until started, then counts down to at least 1 ms', () => {
    let now = 1_000;
    const deadline = createDeadline(300, () => now);
    expect(deadline.remainingMs()).toBe(300);
    now = 5_000; // time spent waiting for a page or a slot is not the job's
    deadline.start();
    expect(deadline.at).toBe(5_300);
    now = 5_100;
    expect(deadline.remainingMs()).toBe(200);
    now = 9_000;
    expect(deadline.remainingMs()).toBe(1);
  });
});
