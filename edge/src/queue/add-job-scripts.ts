/**
 * @module edge/queue/add-job-scripts
 * BullMQ's own add-job Lua scripts (from the pinned bullmq package), wrapped so they can run
 * over the Upstash REST protocol, which carries JSON text rather than msgpack bytes.
 */
import { addDelayedJob } from 'bullmq/dist/esm/scripts/addDelayedJob-6.js';
import { addPrioritizedJob } from 'bullmq/dist/esm/scripts/addPrioritizedJob-9.js';
import { addStandardJob } from 'bullmq/dist/esm/scripts/addStandardJob-9.js';
import type { QueueKeySuffix } from '../../../shared/keys.ts';

export type AddJobKind = 'standard' | 'delayed' | 'prioritized';

export interface AddJobScript {
  kind: AddJobKind;
  /** KEYS in the order BullMQ's script expects them (see redis-queue-backend.js). */
  keys: readonly QueueKeySuffix[];
  /** Wrapped Lua source; returns `{ jobIdOrErrorCode, existed (0|1) }`. */
  lua: string;
}

/*
 * The preamble rebuilds ARGV[1] (job arguments) and ARGV[3] (options) as msgpack from JSON, so
 * the stored job is byte-for-byte what `Queue.add` stores. It shadows ARGV with a local table
 * rather than writing the global one, which some Redis builds make read-only. It also records
 * whether a job with this id already existed, so the API can say "duplicate" without a second
 * round trip. BullMQ's script body runs unchanged inside a function.
 */
function wrap(content: string): string {
  return [
    '-- Quarry: rebuild BullMQ msgpack arguments from JSON (REST carries text, not bytes)',
    'local quarryArgs = cjson.decode(ARGV[1])',
    'local ARGV = { cmsgpack.pack(quarryArgs), ARGV[2], cmsgpack.pack(cjson.decode(ARGV[3])) }',
    'local quarryExisted = 0',
    'if quarryArgs[2] ~= "" and redis.call("EXISTS", quarryArgs[1] .. quarryArgs[2]) == 1 then quarryExisted = 1 end',
    'local function bullmqAddJob()',
    content,
    'end',
    'return { bullmqAddJob(), quarryExisted }',
  ].join('\n');
}

export const ADD_JOB_SCRIPTS: Record<AddJobKind, AddJobScript> = {
  standard: {
    kind: 'standard',
    keys: ['wait', 'paused', 'meta', 'id', 'completed', 'delayed', 'active', 'events', 'marker'],
    lua: wrap(addStandardJob.content),
  },
  delayed: {
    kind: 'delayed',
    keys: ['marker', 'meta', 'id', 'delayed', 'completed', 'events'],
    lua: wrap(addDelayedJob.content),
  },
  prioritized: {
    kind: 'prioritized',
    keys: ['marker', 'meta', 'id', 'prioritized', 'delayed', 'completed', 'active', 'events', 'pc'],
    lua: wrap(addPrioritizedJob.content),
  },
};

/** Same choice as BullMQ's `addJobToTransaction`: delay wins over priority. */
export function addJobKind(options: { delay?: number; priority?: number }): AddJobKind {
  if (typeof options.delay === 'number' && options.delay > 0) return 'delayed';
  if (options.priority) return 'prioritized';
  return 'standard';
}
