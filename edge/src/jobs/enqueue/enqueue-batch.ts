/**
 * @module edge/jobs/enqueue/enqueue-batch
 * Enqueues many jobs in one `/multi-exec` round trip per chunk. Each chunk starts with
 * `SCRIPT LOAD` for the script kinds it uses, so its EVALSHAs can never meet NOSCRIPT
 * (one extra command per chunk instead of sending the script body with every job).
 *
 * A chunk is a MULTI/EXEC transaction, so it is all-or-nothing in Redis: a broker failure
 * leaves every chunk either fully applied or not at all, never half, and a caller is told
 * exactly which items are in (the chunks that answered), which may be (the chunk that failed:
 * its reply was lost, or it never ran) and which were never sent.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { BATCH_EXPORT_DUE_SCRIPT, batchIdsKey, batchLedgerKeys } from '../../../../shared/batch-keys.ts';
import { batchItemJobId } from '../../../../shared/exports/batch-rows.ts';
import { toHex } from '../../../../shared/bytes.ts';
import { ADD_JOB_SCRIPTS, type AddJobKind } from './add-job-scripts.ts';
import { planEnqueue, readOutcome, type EnqueueInput, type EnqueueOutcome, type EnqueuePlan } from './enqueue-plan.ts';

export interface BatchEnqueueOptions {
  /** Jobs per `/multi-exec` request (~0.5 MB per 1,000 jobs; Upstash accepts up to 10 MB). */
  chunkSize?: number;
}

/** The batch whose ledger counts the items (see shared/batch-keys.ts). */
export interface BatchLedger {
  prefix: string;
  batchId: string;
  /** Written once (HSETNX) with the first chunk: `items`, `createdAt`, `submittedBy`, … */
  fields: Record<string, string | number>;
  ttlSeconds: number;
}

/** Item positions `first..last` (inclusive); `count` 0 means none. */
export interface ItemRange {
  count: number;
  first: number | null;
  last: number | null;
}

export function itemRange(first: number, endExclusive: number): ItemRange {
  const count = Math.max(0, endExclusive - first);
  return count === 0 ? { count, first: null, last: null } : { count, first, last: endExclusive - 1 };
}

/** A chunk failed: the earlier chunks are in, this one may or may not be, later ones were not sent. */
export class BatchChunkFailedError extends Error {
  override name = 'BatchChunkFailedError';
  readonly enqueued: EnqueueOutcome[];
  readonly uncertain: ItemRange;
  readonly notSent: ItemRange;
  readonly chunk: { index: number; of: number };

  constructor(init: { enqueued: EnqueueOutcome[]; uncertain: ItemRange; notSent: ItemRange; chunk: { index: number; of: number } }, options?: { cause?: unknown }) {
    const cause = options?.cause instanceof Error ? `${options.cause.name}: ${options.cause.message}` : String(options?.cause);
    super(`chunk ${init.chunk.index + 1} of ${init.chunk.of} failed after ${init.enqueued.length} items: ${cause.slice(0, 300)}`, options);
    this.enqueued = init.enqueued;
    this.uncertain = init.uncertain;
    this.notSent = init.notSent;
    this.chunk = init.chunk;
  }
}

const shaCache = new Map<AddJobKind, Promise<string>>();

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return toHex(new Uint8Array(digest));
}

function scriptSha(kind: AddJobKind): Promise<string> {
  let sha = shaCache.get(kind);
  if (!sha) shaCache.set(kind, (sha = sha1Hex(ADD_JOB_SCRIPTS[kind].lua)));
  return sha;
}

export type Transaction = ReturnType<Redis['multi']>;

interface ChunkHooks {
  plan(input: EnqueueInput, index: number): EnqueuePlan;
  /** Commands before the chunk's scripts; returns how many it added. */
  before?(tx: Transaction, chunk: number): number;
  /** Commands after them; `start`/`end` are the chunk's item positions. */
  after?(tx: Transaction, start: number, end: number): void;
}

async function runChunks(redis: Redis, inputs: readonly EnqueueInput[], chunkSize: number, hooks: ChunkHooks): Promise<EnqueueOutcome[]> {
  const outcomes: EnqueueOutcome[] = [];
  const chunks = Math.ceil(inputs.length / chunkSize);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const start = chunk * chunkSize;
    const end = Math.min(inputs.length, start + chunkSize);
    try {
      const plans = inputs.slice(start, end).map((input, i) => hooks.plan(input, start + i));
      const kinds = [...new Set(plans.map((plan) => plan.kind))];
      const tx = redis.multi();
      const head = hooks.before?.(tx, chunk) ?? 0;
      for (const kind of kinds) tx.scriptLoad(ADD_JOB_SCRIPTS[kind].lua);
      for (const plan of plans) tx.evalsha(await scriptSha(plan.kind), plan.keys, plan.argv);
      hooks.after?.(tx, start, end);
      const replies = (await tx.exec()) as unknown[];
      const offset = head + kinds.length;
      outcomes.push(...plans.map((plan, i) => readOutcome(plan, replies[offset + i])));
    } catch (error) {
      throw new BatchChunkFailedError({
        enqueued: outcomes, uncertain: itemRange(start, end), notSent: itemRange(end, inputs.length), chunk: { index: chunk, of: chunks },
      }, { cause: error });
    }
  }
  return outcomes;
}

/** Jobs without a batch ledger (webhook triggers). */
export async function enqueueBatch(redis: Redis, inputs: readonly EnqueueInput[], options: BatchEnqueueOptions & { prelude?: (tx: Transaction) => number } = {}): Promise<EnqueueOutcome[]> {
  const { chunkSize = 1000, prelude } = { ...options };
  return runChunks(redis, inputs, chunkSize, {
    plan: (input) => planEnqueue(input),
    // Commands that ride in the first chunk's transaction (a hook's delivery marker).
    ...(prelude ? { before: (tx: Transaction, chunk: number) => (chunk === 0 ? prelude(tx) : 0) } : {}),
  });
}

/**
 * The items of a batch, each accounted in the batch's ledger by the script that adds its job
 * (item i = position i of `inputs`). Retrying the same items completes the batch exactly once.
 * Per chunk beyond the jobs: SCRIPT LOADs, 3 EXPIREs, and the HSETNX fields with the first chunk;
 * plus an HSET and an EXPIRE when the chunk has items with their own idempotency key.
 */
export async function enqueueBatchItems(redis: Redis, inputs: readonly EnqueueInput[], ledger: BatchLedger, options: BatchEnqueueOptions = {}): Promise<EnqueueOutcome[]> {
  const { chunkSize = 1000 } = { ...options };
  const keys = batchLedgerKeys(ledger.prefix, ledger.batchId);
  const [record] = keys;
  return runChunks(redis, inputs, chunkSize, {
    plan: (input, index) => planEnqueue(input, { keys, index }),
    before(tx, chunk) {
      if (chunk > 0) return 0;
      // The record exists before any job of the batch can finish, so no worker update is lost.
      const fields = Object.entries(ledger.fields);
      for (const [field, value] of fields) tx.hsetnx(record, field, value);
      return fields.length;
    },
    after(tx, start, end) {
      // Items whose job is not `<batchId>-<index>` (their own idempotency key): where exports find them.
      const ids: Record<string, string> = {};
      for (let index = start; index < end; index++) {
        if (inputs[index]!.jobId !== batchItemJobId(ledger.batchId, index)) ids[index] = inputs[index]!.jobId;
      }
      for (const key of keys) tx.expire(key, ledger.ttlSeconds);
      if (Object.keys(ids).length > 0) {
        const idsKey = batchIdsKey(ledger.prefix, ledger.batchId);
        tx.hset(idsKey, ids);
        tx.expire(idsKey, ledger.ttlSeconds);
      }
      // The batch is complete with its last chunk: an export it asked for may be due already
      // (every job finished, or every remaining item deduplicated). One EVAL per batch with an export.
      if (end === inputs.length && ledger.fields.export !== undefined) tx.eval(BATCH_EXPORT_DUE_SCRIPT, [record], []);
    },
  });
}
