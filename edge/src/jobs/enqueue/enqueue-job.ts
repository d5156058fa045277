/**
 * @module edge/jobs/enqueue/enqueue-job
 * Enqueues one job with exactly one REST round trip: BullMQ's add-job script via EVALSHA
 * (EVAL on the first call after a script flush).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { ADD_JOB_SCRIPTS, type AddJobKind } from './add-job-scripts.ts';
import { planEnqueue, readOutcome, type EnqueueInput, type EnqueueOutcome } from './enqueue-plan.ts';

export { EnqueueRejectedError, type EnqueueInput, type EnqueueOutcome } from './enqueue-plan.ts';

type Scripts = Map<AddJobKind, ReturnType<Redis['createScript']>>;
const scriptsByClient = new WeakMap<Redis, Scripts>();

function script(redis: Redis, kind: AddJobKind) {
  let scripts = scriptsByClient.get(redis);
  if (!scripts) scriptsByClient.set(redis, (scripts = new Map()));
  let found = scripts.get(kind);
  if (!found) scripts.set(kind, (found = redis.createScript(ADD_JOB_SCRIPTS[kind].lua)));
  return found;
}

export async function enqueueJob(redis: Redis, input: EnqueueInput): Promise<EnqueueOutcome> {
  const plan = planEnqueue(input);
  return readOutcome(plan, await script(redis, plan.kind).exec(plan.keys, plan.argv));
}
