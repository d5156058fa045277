/**
 * @module edge/jobs/enqueue/enqueue-plan
 * Turns one validated request into the exact script call BullMQ's `Queue.add` would make:
 * which add-job script, its KEYS, and its three ARGV strings (the msgpack ones as JSON).
 */
import { domainKey } from '../../../../shared/domain-key.ts';
import type { JobData, JobRequest } from '../../../../shared/job-schema.ts';
import { taskJobName, type TaskJobData, type TaskRequest } from '../../../../shared/tasks/task-request.ts';
import { queueKeys } from '../../../../shared/keys.ts';
import { ADD_JOB_SCRIPTS, addJobKind, type AddJobKind } from './add-job-scripts.ts';
import { buildJobOptions, encodeJobOptions, type JobOptionsConfig } from './job-options.ts';

export interface EnqueueInput {
  prefix: string;
  jobId: string;
  /** A scrape request, or a task request (edge/src/tasks/) with its attempts filled in. */
  request: JobRequest | (TaskRequest & { attempts: number });
  submittedBy?: string;
  /** The tenant the job belongs to (its id carries the tenant's tag). */
  tenant?: string;
  batchId?: string;
  /** BullMQ deduplication id (canonical URL hash) and how long it holds. */
  dedupe?: { id: string; ttlMs: number };
  options: JobOptionsConfig;
  /** Clock for `timestamp` and `acceptedAt` (tests pin it). */
  now?: number;
}

/** Where a batch item is accounted: the batch's record, items bitmap and dedup hash (batch-keys.ts). */
export interface BatchItemLedger {
  keys: readonly [record: string, items: string, dedup: string];
  /** The item's position in the batch (its bit in the items bitmap). */
  index: number;
}

export interface EnqueuePlan {
  kind: AddJobKind;
  jobId: string;
  keys: string[];
  /** BullMQ's three arguments, then the batch item's index when it has a ledger. */
  argv: string[];
}

/**
 * The job's politeness domain, stored with the job so the edge can free the domain's slot
 * reserved for it when the job is cancelled (the edge cannot run the worker's code).
 */
function politenessDomain(url: string): string | undefined {
  try {
    return domainKey(url);
  } catch {
    return undefined; // a URL the worker will refuse anyway: it never reserves a slot
  }
}

export function planEnqueue(input: EnqueueInput, ledger?: BatchItemLedger): EnqueuePlan {
  const keys = queueKeys(input.prefix);
  const timestamp = input.now ?? Date.now();
  const kind = addJobKind({ delay: input.request.delayMs, priority: input.request.priority });
  const { request } = input;
  const data: JobData | TaskJobData = 'task' in request ? { request, acceptedAt: timestamp } : { request, acceptedAt: timestamp };
  if (input.submittedBy !== undefined) data.submittedBy = input.submittedBy;
  if (input.tenant !== undefined) data.tenant = input.tenant;
  if (input.batchId !== undefined) data.batchId = input.batchId;
  const domain = 'url' in request ? politenessDomain(request.url) : undefined;
  if (domain !== undefined) (data as JobData).domain = domain;
  const options = buildJobOptions(input.request, input.jobId, input.options);
  if (input.dedupe) options.deduplication = { id: input.dedupe.id, ttl: input.dedupe.ttlMs };
  const dedupeKey = input.dedupe ? `${keys.base}de:${input.dedupe.id}` : null;
  // [keyPrefix, jobId, name, timestamp, parentKey, parentDepsKey, parent, repeatJobKey, dedupKey, deferParentRelease]
  const name = 'task' in request ? taskJobName(request.task) : request.mode;
  const args = [keys.base, input.jobId, name, timestamp, null, null, null, null, dedupeKey, null];
  const plan: EnqueuePlan = {
    kind,
    jobId: input.jobId,
    keys: ADD_JOB_SCRIPTS[kind].keys.map(keys.key),
    argv: [JSON.stringify(args), JSON.stringify(data), JSON.stringify(encodeJobOptions(options))],
  };
  if (ledger) {
    plan.keys.push(...ledger.keys);
    plan.argv.push(String(ledger.index));
  }
  return plan;
}

export interface EnqueueOutcome {
  id: string;
  /** True when nothing new was stored: the id existed, deduplication returned an earlier job, or the item was replayed. */
  duplicate: boolean;
  /** A batch item an earlier request for the same batch already accounted: nothing was done now. */
  replayed: boolean;
  kind: AddJobKind;
}

export class EnqueueRejectedError extends Error {
  override name = 'EnqueueRejectedError';
  constructor(code: number) {
    super(`BullMQ's add-job script refused the job (code ${code})`);
  }
}

/** Reads the wrapped script's `{ jobIdOrCode, existed, replayed }` reply. */
export function readOutcome(plan: EnqueuePlan, reply: unknown): EnqueueOutcome {
  const [result, existed, replayed] = Array.isArray(reply) ? reply : [reply, 0, 0];
  if (typeof result === 'number' && result < 0) throw new EnqueueRejectedError(result);
  const id = String(result);
  const wasReplayed = Number(replayed) === 1;
  return { id, duplicate: wasReplayed || Number(existed) === 1 || id !== plan.jobId, replayed: wasReplayed, kind: plan.kind };
}
