/**
 * @module edge/hooks/delivery-marker
 * Replay protection for webhook deliveries: a small marker per delivery in the broker, set
 * with SET NX before anything is enqueued. Job ids alone are not enough: they dedupe only as
 * long as the jobs stay in the broker, and retention removes completed jobs after an hour.
 *
 * The marker is claimed for a minute first and extended to the full replay window in the same
 * round trip as the enqueue, so a delivery whose enqueue failed (and whose marker could not be
 * deleted either, the broker being down) is accepted again within a minute of the claim, when
 * the sender retries. Costs one SET round trip before the enqueue and one SET inside it.
 */
import type { Redis } from '@upstash/redis/cloudflare';

/** Longer than any enqueue of one delivery (at most 1,000 jobs, one pipeline). */
const CLAIM_SECONDS = 60;

export function deliveryMarkerKey(prefix: string, hook: string, deliveryId: string): string {
  return `${prefix}:hook-delivery:${hook}:${deliveryId}`;
}

export interface DeliveryClaim {
  /** False when the delivery was seen within its window (or is being enqueued right now). */
  fresh: boolean;
  /** Adds the command that keeps the marker for the whole window to the enqueue's pipeline. */
  confirm(pipeline: ReturnType<Redis['multi']>): number;
  /** Forgets the delivery after a failed enqueue, so the sender's retry is accepted. */
  release(): Promise<void>;
}

export async function claimDelivery(redis: Redis, key: string, windowSeconds: number): Promise<DeliveryClaim> {
  const reply = await redis.set(key, 'pending', { nx: true, ex: CLAIM_SECONDS });
  return {
    fresh: reply !== null,
    confirm(pipeline) {
      pipeline.set(key, 'enqueued', { ex: windowSeconds });
      return 1;
    },
    async release() {
      try {
        await redis.del(key);
      } catch (error) {
        console.error(`hook delivery marker not removed (it expires within ${CLAIM_SECONDS} s)`, error instanceof Error ? error.message : error);
      }
    },
  };
}
