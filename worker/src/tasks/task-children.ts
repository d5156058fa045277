/**
 * @module worker/tasks/task-children
 * `ctx.enqueue` and `ctx.children`: fan-out with BullMQ flows. A child is another task or a
 * plain scrape job, added to the same queue under an id derived from the parent's id and the
 * child's key (or its position in the run's enqueue calls), so a re-run of the parent names the
 * same children and adds none twice (BullMQ returns the existing job for a known id).
 *
 * Children the parent waits for carry BullMQ's `parent` option with `ignoreDependencyOnFailure`:
 * a child that fails for good is recorded in the parent's failed-dependency hash and no longer
 * holds it back. `ctx.children()` moves the parent to waiting-children while any child is
 * pending (it holds no worker slot meanwhile; a killed worker loses nothing, the flow lives in
 * Redis); once none is, BullMQ puts the parent back in the queue and its handler runs again from
 * the top, and `ctx.children()` returns the outcomes read from the result store.
 *
 * Children of a task that belongs to a batch count in that batch (batch-add-children-2.lua: one
 * script call per enqueue call with new children, each child counted once into `total`).
 *
 * Redis cost: one add-job script per new child (a pipeline), one pipeline of 2 HEXISTS per
 * waited child on a re-run (children already accounted for are not added again: a removed
 * completed child would otherwise run twice), one moveToWaitingChildren per `children()` call,
 * then 2 HGETALL and one GET per child to read the outcomes.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { WaitingChildrenError, type Job, type JobsOptions, type Queue } from 'bullmq';
import { BATCH_TTL_SECONDS, batchChildrenKey, batchKey } from '../../../shared/batch-keys.ts';
import { domainKey } from '../../../shared/domain-key.ts';
import { loadScript } from '../../../shared/scripts/load-scripts.ts';
import { runScript } from '../politeness/run-script.ts';
import { jobRequestSchema, type JobData } from '../../../shared/job-schema.ts';
import { isTaskResult } from '../../../shared/job-result.ts';
import { taskJobName, taskRequestSchema, type TaskJobData } from '../../../shared/tasks/task-request.ts';
import type { ResultStore } from '../result-store.ts';
import type { ChildOutcome, ChildSpec, EnqueueOptions } from './task-context.ts';
import { TaskUsageError } from './task-errors.ts';
import type { TaskRegistry } from './task-registry.ts';

export interface TaskChildrenRun {
  job: Job;
  token: string | undefined;
  data: TaskJobData;
  queue: Queue;
  /** The broker connection the queue uses (for the accounted-children pipeline). */
  broker: Redis;
  registry: TaskRegistry;
  resultStore: ResultStore;
  /** Counts children added (not re-found) for metrics. */
  onAdded?: (count: number) => void;
}

const TAG = /^([0-9a-f]{12})\./;
const BATCH_ADD_CHILDREN = loadScript('batch-add-children');
/** The most children one enqueue call may add (one pipeline). */
export const MAX_CHILDREN_PER_CALL = 1_000;

/** `<tenant tag>.t-<32 hex>`: the parent's tag (its tenant reads the child), a digest of parent id and key. */
export function childJobId(parentId: string, key: string): string {
  const digest = createHash('sha256').update(`${parentId}\n${key}`).digest('hex').slice(0, 32);
  const tag = TAG.exec(parentId)?.[1];
  return tag ? `${tag}.t-${digest}` : `t-${digest}`;
}

function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(child)'}: ${issue.message}`).join('; ');
}

export function createTaskChildren(run: TaskChildrenRun) {
  const { job, data, queue, registry, resultStore } = run;
  const parentId = job.id!;
  let position = 0;
  const waited: string[] = [];
  const all: string[] = [];

  /** BullMQ name, data and options of one child. */
  function childJob(spec: ChildSpec, id: string, wait: boolean): { name: string; data: TaskJobData | JobData; opts: JobsOptions } {
    // Children of a batch's task count in that batch (counted into its total before they are added).
    const common = {
      acceptedAt: Date.now(), ...(data.tenant ? { tenant: data.tenant } : {}), ...(data.submittedBy ? { submittedBy: data.submittedBy } : {}),
      ...(data.batchId ? { batchId: data.batchId } : {}),
    };
    const opts: JobsOptions = {
      jobId: id,
      ...(job.opts.backoff ? { backoff: job.opts.backoff } : {}),
      ...(job.opts.removeOnComplete !== undefined ? { removeOnComplete: job.opts.removeOnComplete } : {}),
      ...(job.opts.removeOnFail !== undefined ? { removeOnFail: job.opts.removeOnFail } : {}),
      ...(wait ? { parent: { id: parentId, queue: job.queueQualifiedName }, ignoreDependencyOnFailure: true } : {}),
    };
    if ('task' in spec) {
      const { key: _key, ...fields } = spec;
      const parsed = taskRequestSchema.safeParse(fields);
      if (!parsed.success) throw new TaskUsageError(`ctx.enqueue: invalid task child: ${issuesOf(parsed.error)}`);
      const attempts = parsed.data.attempts ?? registry.get(parsed.data.task)?.attempts ?? 3;
      if (parsed.data.priority > 0) opts.priority = parsed.data.priority;
      return { name: taskJobName(parsed.data.task), data: { ...common, parentId, request: { ...parsed.data, attempts } }, opts: { ...opts, attempts } };
    }
    const { key: _key, ...fields } = spec;
    const parsed = jobRequestSchema.safeParse(fields);
    if (!parsed.success) throw new TaskUsageError(`ctx.enqueue: invalid scrape child: ${issuesOf(parsed.error)}`);
    const request = parsed.data;
    if (request.priority > 0) opts.priority = request.priority;
    if (request.delayMs > 0) opts.delay = request.delayMs;
    let domain: string | undefined;
    try { domain = domainKey(request.url); } catch { /* the worker refuses the URL anyway */ }
    return { name: request.mode, data: { ...common, request, ...(domain ? { domain } : {}) }, opts: { ...opts, attempts: request.attempts } };
  }

  /** Children of `ids` the parent already counts (processed or failed): not to be added again. */
  async function accounted(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const processed = queue.toKey(`${parentId}:processed`);
    const failed = queue.toKey(`${parentId}:failed`);
    const multi = run.broker.pipeline();
    for (const id of ids) multi.hexists(processed, queue.toKey(id)).hexists(failed, queue.toKey(id));
    const replies = (await multi.exec()) ?? [];
    return new Set(ids.filter((_, i) => replies[2 * i]?.[1] === 1 || replies[2 * i + 1]?.[1] === 1));
  }

  async function enqueue(children: ChildSpec | readonly ChildSpec[], options: EnqueueOptions = {}): Promise<string[]> {
    const specs: readonly ChildSpec[] = Array.isArray(children) ? children : [children as ChildSpec];
    if (specs.length > MAX_CHILDREN_PER_CALL) throw new TaskUsageError(`ctx.enqueue: at most ${MAX_CHILDREN_PER_CALL} children per call (got ${specs.length})`);
    const wait = options.wait === true;
    const ids = specs.map((spec) => childJobId(parentId, spec.key === undefined ? `#${position++}` : `k:${String(spec.key)}`));
    if (new Set(ids).size !== ids.length) throw new TaskUsageError('ctx.enqueue: two children have the same key');
    const jobs = specs.map((spec, i) => childJob(spec, ids[i]!, wait));
    const known = wait ? await accounted(ids) : new Set<string>();
    const fresh = jobs.filter((_, i) => !known.has(ids[i]!));
    if (fresh.length > 0 && data.batchId) {
      // Counted first: a child that finishes before its count would make the batch look finished.
      const prefix = queue.opts.prefix!;
      await runScript(run.broker, BATCH_ADD_CHILDREN, [batchKey(prefix, data.batchId), batchChildrenKey(prefix, data.batchId)],
        [BATCH_TTL_SECONDS, ...fresh.map((child) => child.opts.jobId!)]);
    }
    if (fresh.length > 0) await queue.addBulk(fresh);
    run.onAdded?.(fresh.length);
    if (wait) waited.push(...ids);
    all.push(...ids);
    return ids;
  }

  async function childrenOutcomes(): Promise<ChildOutcome[]> {
    if (waited.length === 0) return [];
    if (!run.token) throw new TaskUsageError('ctx.children(): the job has no lock token');
    if (await job.moveToWaitingChildren(run.token)) throw new WaitingChildrenError();
    const [failures, results] = await Promise.all([
      job.getIgnoredChildrenFailures(),
      Promise.all(waited.map((id) => resultStore.get(id))),
    ]);
    return waited.map((id, i): ChildOutcome => {
      const failure = failures[queue.toKey(id)];
      if (failure !== undefined) return { id, status: 'failed', error: failure };
      const stored = results[i];
      if (!stored) return { id, status: 'completed' }; // completed, its result expired or not readable
      return { id, status: 'completed', value: isTaskResult(stored) ? stored.value : stored };
    });
  }

  return { enqueue, children: childrenOutcomes, ids: () => [...all] };
}
