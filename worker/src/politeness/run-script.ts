/**
 * @module worker/src/politeness/run-script
 * Runs one of the shared Lua scripts in a single round trip: EVALSHA, and EVAL only when the
 * server does not have the script cached yet (first call, restart, SCRIPT FLUSH).
 */
import type { Cluster, Redis } from 'ioredis';
import type { LuaScript } from '../../../shared/scripts/load-scripts.ts';
import { InvalidPolitenessConfigError } from './errors.ts';

/** What the politeness layer needs from an ioredis client (a single node or a cluster). */
export type PolitenessRedis = Redis | Cluster;

export type ScriptArg = string | number;

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

export async function runScript(
  redis: PolitenessRedis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly ScriptArg[],
): Promise<unknown> {
  if (keys.length !== script.numberOfKeys) {
    throw new InvalidPolitenessConfigError(`${script.name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
  }
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    // EVAL also caches the script server-side, so the next call is an EVALSHA again.
    return await redis.eval(script.content, keys.length, ...keys, ...args);
  }
}
