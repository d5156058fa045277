/**
 * @module worker/artifacts/artifact-sweeper
 * Deletes expired artifacts. Every worker runs one; the claim script hands each due key to one
 * sweeper at a time (with a lease, so a sweeper killed mid-way only delays a key). A key is
 * deleted only when the store itself says the object expired (HEAD answers null): an object
 * that a re-run job stored again since it was claimed carries a new expiry and is left alone.
 */
import type { Logger } from 'pino';
import type { ArtifactStore } from '../../../shared/artifacts/index.ts';
import type { ExpiryIndex } from './expiry-index.ts';

export interface SweeperOptions {
  store: ArtifactStore;
  index: ExpiryIndex;
  intervalMs: number;
  /** Keys per claim. */
  batch?: number;
  /** How long a claimed key stays with this sweeper before another may take it. */
  leaseMs?: number;
  logger?: Pick<Logger, 'warn' | 'debug'>;
}

export interface ArtifactSweeper {
  /** One pass: claims due keys (batch after batch) and deletes them; resolves to how many were deleted. */
  sweepOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startArtifactSweeper(options: SweeperOptions): ArtifactSweeper {
  const { store, index, intervalMs, batch = 100, leaseMs = 5 * 60_000, logger } = options;
  let stopped = false;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { lease, keys } = await index.claimDue(batch, leaseMs);
      if (keys.length === 0) return deleted;
      const gone: string[] = [];
      for (const key of keys) {
        try {
          if ((await store.head(key)) === null) await store.delete(key);
          gone.push(key);
        } catch (error) {
          // Left leased: the next sweep after the lease tries again.
          logger?.warn({ err: error, key }, 'artifact sweep: delete failed');
        }
      }
      await index.done(lease, gone);
      deleted += gone.length;
      if (keys.length < batch || stopped) return deleted;
    }
  }

  const sweepOnce = () => {
    running ??= pass().finally(() => { running = undefined; });
    return running;
  };
  const timer = setInterval(() => {
    sweepOnce().catch((error: unknown) => logger?.warn({ err: error }, 'artifact sweep failed'));
  }, intervalMs);
  timer.unref();

  return {
    sweepOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
