/**
 * @module bench/measure/completion-tracker
 * Notes when each job's result lands in the result store, whatever system wrote it: Redis
 * keyspace notifications for SET (Quarry's `SET … EX`, Celery's `SETEX`, the peers' `SET`)
 * arrive on a subscriber here, stamped on arrival. One clock for every system.
 */
import { benchRedis } from '../setup/redis-client.ts';
import { nowMs } from './latency.ts';

export interface CompletionTrackerOptions {
  /** The result store. */
  redisUrl: string;
  /** Maps a written key to a job id; undefined for keys that are not results. */
  jobIdOf: (key: string) => string | undefined;
}

export interface CompletionTracker {
  /** Completion time (epoch ms) by job id; the first write counts. */
  readonly completed: ReadonlyMap<string, number>;
  /** Resolves once `count` results arrived; rejects after `timeoutMs` without progress. */
  waitForCount(count: number, options?: { stallTimeoutMs?: number; onProgress?: (done: number) => void }): Promise<void>;
  close(): Promise<void>;
}

export async function startCompletionTracker(options: CompletionTrackerOptions): Promise<CompletionTracker> {
  const { redisUrl, jobIdOf } = { ...options };
  const admin = benchRedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  // E = keyevent channels, $ = string commands (SET, SETEX, …).
  await admin.config('SET', 'notify-keyspace-events', 'E$');
  admin.disconnect();

  const subscriber = benchRedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await subscriber.connect();
  const completed = new Map<string, number>();
  subscriber.on('pmessage', (_pattern: string, _channel: string, key: string) => {
    const at = nowMs();
    const id = jobIdOf(key);
    if (id !== undefined && !completed.has(id)) completed.set(id, at);
  });
  await subscriber.psubscribe('__keyevent@*__:set');

  return {
    completed,
    async waitForCount(count, waitOptions = {}) {
      const { stallTimeoutMs = 60_000, onProgress } = { ...waitOptions };
      let last = completed.size;
      let lastChange = Date.now();
      while (completed.size < count) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (completed.size !== last) {
          last = completed.size;
          lastChange = Date.now();
          onProgress?.(last);
        } else if (Date.now() - lastChange > stallTimeoutMs) {
          throw new Error(`only ${completed.size} of ${count} results after ${stallTimeoutMs / 1000} s without progress`);
        }
      }
    },
    async close() {
      subscriber.disconnect();
    },
  };
}
