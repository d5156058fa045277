/**
 * @module bench/setup/rest-server-process
 * The local Upstash-compatible REST server in its own process (as in the compose stack), so
 * its CPU is not the harness's; round trips are read from its `/__quarry/stats` route.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { STATS_PATH, STATS_RESET_PATH, type RestServerStats } from '../../dev/rest-server/index.ts';
import type { Cleanup } from '../core/cleanup.ts';
import { spawnChild } from './child.ts';

export interface RestServerProcess {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  stats(): Promise<RestServerStats>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRestServerProcess(root: string, redisUrl: string, cleanup: Cleanup): Promise<RestServerProcess> {
  const token = randomBytes(16).toString('hex');
  const child = spawnChild(process.execPath, [join(root, 'dev/rest-server/main.ts'), '--port', '0', '--redis-url', redisUrl], {
    env: { ...process.env, UPSTASH_REDIS_REST_TOKEN: token, LOG_LEVEL: 'warn' },
  });
  const stop = cleanup.add('REST server', () => child.stop(5_000));
  try {
    const url = (await child.waitForLine(/listening on (\S+)/, 15_000))[1]!;
    const headers = { authorization: `Bearer ${token}` };
    return {
      url, token, pid: child.pid, stop,
      stats: async () => (await (await fetch(url + STATS_PATH, { headers })).json()) as RestServerStats,
      resetStats: async () => void (await (await fetch(url + STATS_RESET_PATH, { method: 'POST', headers })).arrayBuffer()),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
