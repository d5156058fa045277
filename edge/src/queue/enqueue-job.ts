/**
 * @module edge/queue/enqueue-job
 * Enqueues one job with exactly one REST round trip: BullMQ's add-job script via EVALSHA
 * (EVAL on the first call after a script flush).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import type { JobData, JobRequest } from '../../../shared/job-schema.ts';
import { queueKeys } from '../../../shared/keys.ts';
import { ADD_JOB_SCRIPTS, addJobKind, type AddJobKind } from './add-job-scripts.ts';
import { buildJobOptions, type JobOptionsConfig } from './job-options.ts';

export interface EnqueueInput {
  prefix: string;
  jobId: string;
  request: JobRequest;
  submittedBy?: string;
  options: JobOptionsConfig;
  /** Clock for `timestamp` and `acceptedAt` (tests pin it). */
  now?: number;
}

export interface EnqueueOutcome {
  id: string;
  /** True when a job with this id already existed: nothing new was stored. */
  duplicate: boolean;
  kind: AddJobKind;
}

export class EnqueueRejectedError extends Error {
  override name = 'EnqueueRejectedError';
  constructor(code: number) {
    super(`BullMQ's add-job script refused the job (code ${code})`);
  }
}

type Scripts = Map<AddJobKind, ReturnType<Redis['createScript']>>;
const scriptsByClient = new WeakMap<Redis, Scripts>();

function script(redis: Redis, kind: AddJobKind) {
  let scripts = scriptsByClient.get(redis);
  if (!scripts) scriptsByClient.set(redis, (scripts = new Map()));
  let found = scripts.get(kind);
  if (!found) scripts.set(kind, (found = redis.createScript(ADD_JOB_SCRIPTS[kind].lua)));
  return found;
}

/** The three ARGV strings BullMQ's script expects, with the two msgpack ones as JSON. */
export function addJobArguments(input: EnqueueInput, base: string, timestamp: number): [string, string, string] {
  const data: JobData = { request: input.request, acceptedAt: timestamp };
  if (input.submittedBy !== undefined) data.submittedBy = input.submittedBy;
  const options = buildJobOptions(input.request, input.jobId, input.options);
  // [keyPrefix, jobId, name, timestamp, parentKey, parentDepsKey, parent, repeatJobKey, dedupKey, deferParentRelease]
  const args = [base, input.jobId, input.request.mode, timestamp, null, null, null, null, null, null];
  return [JSON.stringify(args), JSON.stringify(data), JSON.stringify(options)];
}

export async function enqueueJob(redis: Redis, input: EnqueueInput): Promise<EnqueueOutcome> {
  const keys = queueKeys(input.prefix);
  const timestamp = input.now ?? Date.now();
  const kind = addJobKind({ delay: input.request.delayMs, priority: input.request.priority });
  const argv = addJobArguments(input, keys.base, timestamp);
  const reply = (await script(redis, kind).exec(ADD_JOB_SCRIPTS[kind].keys.map(keys.key), argv)) as unknown;
  const [result, existed] = Array.isArray(reply) ? reply : [reply, 0];
  if (typeof result === 'number' && result < 0) throw new EnqueueRejectedError(result);
  return { id: String(result), duplicate: Number(existed) === 1, kind };
}
