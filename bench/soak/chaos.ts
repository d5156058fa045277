/**
 * @module bench/soak/chaos
 * The faults of the soak, on one timeline: every K seconds one worker (slots in turn) is killed
 * with SIGKILL and replaced at once; once, when progress passes a mark, the broker redis-server
 * is restarted (SIGTERM, which flushes its AOF, then start on the same port and data dir, as
 * test/faults/redis-outage.test.ts does). One loop runs both, so they never overlap.
 */
import type { RedisServer } from '../../dev/local/redis-server.ts';
import type { WorkerFleet } from './worker-fleet.ts';

export interface ChaosOptions {
  fleet: WorkerFleet;
  /** Seconds between kills; 0 = none. */
  killEverySeconds: number;
  /** The broker to restart once; omitted = no restart. */
  broker?: RedisServer;
  /** Share of the work done, 0–1; the restart happens when it first reaches `restartAt`. */
  progress: () => number;
  restartAt?: number;
  log: (line: string) => void;
}

export interface ChaosEvent {
  /** Epoch ms: when the worker got SIGKILL, or the broker SIGTERM. */
  at: number;
  kind: 'worker-kill' | 'redis-restart';
  detail: string;
  /** How long it took: the kill and the replacement's spawn, or Redis down until it answered PING. */
  ms: number;
}

export interface Chaos {
  readonly events: readonly ChaosEvent[];
  /** Stops scheduling faults; waits for one in progress. */
  stop(): Promise<void>;
}

export function startChaos(options: ChaosOptions): Chaos {
  const { fleet, killEverySeconds, broker, progress, restartAt = 0.4, log } = { ...options };
  const events: ChaosEvent[] = [];
  let stopped = false;
  let restarted = broker === undefined;
  let kills = 0;
  let nextKill = killEverySeconds > 0 ? Date.now() + killEverySeconds * 1000 : Number.POSITIVE_INFINITY;

  const tick = async () => {
    if (!restarted && progress() >= restartAt) {
      restarted = true;
      const at = Date.now();
      await broker!.stop();
      await broker!.start();
      events.push({ at, kind: 'redis-restart', detail: `broker redis-server restarted at ${Math.round(progress() * 100)} % done`, ms: Date.now() - at });
      log(`  ⚡ broker redis-server restarted (${Date.now() - at} ms down)`);
      // A kill right after the restart would catch finishes still retrying and blur the two causes.
      nextKill = Math.max(nextKill, Date.now() + killEverySeconds * 1000);
    }
    if (Date.now() >= nextKill) {
      const started = Date.now();
      const slot = kills++ % fleet.live().length;
      const victim = await fleet.crash(slot);
      const at = victim.endedAt ?? started;
      events.push({ at, kind: 'worker-kill', detail: `SIGKILL ${victim.name} (pid ${victim.process.pid}, up ${Math.round((at - victim.startedAt) / 1000)} s), replaced`, ms: Date.now() - started });
      log(`  ⚡ killed ${victim.name} (SIGKILL, with its Chromium), started ${fleet.live().find((m) => m.slot === victim.slot)?.name}`);
      nextKill = Date.now() + killEverySeconds * 1000;
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await tick();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();

  return {
    events,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
