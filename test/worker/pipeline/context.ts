/**
 * @module test/worker/pipeline/context
 * A JobContext for unit tests of the pipeline stages, and a recording fake of the politeness gate.
 */
import { pino } from 'pino';
import type { JobRequestInput } from '../../../shared/job-schema.ts';
import type { GatePass, PolitenessGate } from '../../../worker/src/politeness/index.ts';
import { createJobContext, type JobContext } from '../../../worker/src/pipeline/job-context.ts';
import { jobData } from '../harness.ts';

export function testContext(request: JobRequestInput, extra: { jobId?: string; firstStart?: boolean; signal?: AbortSignal } = {}): JobContext {
  return createJobContext({
    jobId: extra.jobId ?? 'job-1', data: jobData(request), attempt: 1, firstStart: extra.firstStart ?? true,
    signal: extra.signal ?? new AbortController().signal, logger: pino({ level: 'silent' }),
  });
}

export interface RecordingGate extends PolitenessGate {
  /** What happened, in order: `enter <jobId> <url> <firstStart>`, `hop <url>`, `release`, `onError <name>`. */
  readonly calls: string[];
}

/** A gate that lets everything through (or throws `refuse` from enter) and records each call. */
export function recordingGate(options: { refuse?: Error; mapError?: (error: unknown) => unknown; onEnter?: () => void } = {}): RecordingGate {
  const calls: string[] = [];
  return {
    calls,
    async enter(jobId, request, firstStart) {
      calls.push(`enter ${jobId} ${request.url} ${firstStart}`);
      options.onEnter?.();
      if (options.refuse) throw options.refuse;
      const pass: GatePass = {
        jobId, domain: new URL(request.url).hostname, urlChecked: true,
        async hop(url) { calls.push(`hop ${url.href}`); },
        async release() { calls.push('release'); },
      };
      return pass;
    },
    async onError(_pass, error) {
      calls.push(`onError ${(error as Error).name}`);
      return options.mapError ? options.mapError(error) : error;
    },
  };
}
