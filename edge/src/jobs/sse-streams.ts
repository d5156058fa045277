/**
 * @module edge/jobs/sse-streams
 * A fleet-wide cap on the event streams one API key holds open (shared/scripts/
 * sse-stream-open-1.lua). Every open stream polls the broker and the result store (3 commands
 * per poll) for up to 5 minutes, so an uncapped key could multiply that cost at will.
 * Costs one EVALSHA when a stream opens and one ZREM when it ends.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { LUA_SCRIPTS } from '../../../shared/scripts/generated.ts';
import { HttpProblem } from '../problems/http-problem.ts';

export class TooManyStreamsProblem extends HttpProblem {
  constructor(open: number, max: number, retryAfterSeconds: number) {
    super({
      status: 429, slug: 'too-many-streams', title: 'Too many event streams',
      detail: `This API key has ${open} event streams open, the most QUARRY_MAX_SSE_STREAMS allows (${max}): close one, poll GET /v1/jobs/:id?wait= instead, or retry after ${retryAfterSeconds} s when the oldest stream ends.`,
      headers: { 'retry-after': String(retryAfterSeconds) },
      extensions: { open, max },
    });
  }
}

export function streamSetKey(prefix: string, apiKeyId: string): string {
  return `${prefix}:sse:${apiKeyId}`;
}

const scripts = new WeakMap<Redis, ReturnType<Redis['createScript']>>();

export interface StreamSlot {
  /** Gives the slot back (best effort: a slot not given back expires with its stream's lifetime). */
  release(): Promise<void>;
}

/** Takes a slot for a stream of at most `lifetimeMs`, or throws TooManyStreamsProblem. */
export async function openStreamSlot(redis: Redis, prefix: string, apiKeyId: string, options: { max: number; lifetimeMs: number }): Promise<StreamSlot> {
  if (options.max === 0) return { release: async () => undefined };
  let script = scripts.get(redis);
  if (!script) scripts.set(redis, (script = redis.createScript(LUA_SCRIPTS['sse-stream-open'].content)));
  const key = streamSetKey(prefix, apiKeyId);
  const id = crypto.randomUUID();
  const [taken, open, retryMs] = (await script.exec([key], [id, String(options.lifetimeMs), String(options.max)])) as number[];
  if (Number(taken) !== 1) throw new TooManyStreamsProblem(Number(open), options.max, Math.max(1, Math.ceil(Number(retryMs) / 1000)));
  return {
    async release() {
      try {
        await redis.zrem(key, id);
      } catch (error) {
        console.error('event stream slot not released (it expires with the stream)', error instanceof Error ? error.message : error);
      }
    },
  };
}
