/**
 * @module edge/queue/enqueue-batch
 * Enqueues many jobs in one `/pipeline` round trip per chunk. Each chunk starts with
 * `SCRIPT LOAD` for the script kinds it uses, so its EVALSHAs can never meet NOSCRIPT
 * (one extra command per chunk instead of sending the script body with every job).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { toHex } from '../../../shared/bytes.ts';
import { ADD_JOB_SCRIPTS, type AddJobKind } from './add-job-scripts.ts';
import { planEnqueue, readOutcome, type EnqueueInput, type EnqueueOutcome } from './enqueue-plan.ts';

export interface BatchEnqueueOptions {
  /** Jobs per `/pipeline` request (~0.5 MB per 1,000 jobs; Upstash accepts up to 10 MB). */
  chunkSize?: number;
  /** Commands to run first, in the same round trip as the first chunk (e.g. the batch record). */
  prelude?: (pipeline: ReturnType<Redis['pipeline']>) => number;
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

export async function enqueueBatch(redis: Redis, inputs: readonly EnqueueInput[], options: BatchEnqueueOptions = {}): Promise<EnqueueOutcome[]> {
  const { chunkSize = 1000, prelude } = { ...options };
  const outcomes: EnqueueOutcome[] = [];
  for (let start = 0; start < inputs.length; start += chunkSize) {
    const plans = inputs.slice(start, start + chunkSize).map(planEnqueue);
    const kinds = [...new Set(plans.map((plan) => plan.kind))];
    const pipeline = redis.pipeline();
    const preludeCount = start === 0 && prelude ? prelude(pipeline) : 0;
    for (const kind of kinds) pipeline.scriptLoad(ADD_JOB_SCRIPTS[kind].lua);
    for (const plan of plans) pipeline.evalsha(await scriptSha(plan.kind), plan.keys, plan.argv);
    const replies = (await pipeline.exec()) as unknown[];
    const offset = preludeCount + kinds.length;
    plans.forEach((plan, i) => outcomes.push(readOutcome(plan, replies[offset + i])));
  }
  return outcomes;
}
