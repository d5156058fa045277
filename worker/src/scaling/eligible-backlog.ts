/**
 * @module worker/scaling/eligible-backlog
 * Quarry's scaling signal, defined once: the jobs a new worker slot could start now.
 *
 *   runnable        = waiting + prioritized + delayed whose time has come
 *   eligibleBacklog = Σ over domains of min(runnable jobs of the domain, what its politeness
 *                     allows at once): 0 while the domain cools down, at most its concurrency
 *                     cap, and at most rate × average hold time (Little's law) for rate limits
 *   demand          = eligibleBacklog + jobs running now (slots already busy)
 *                     + schedule fire jobs due or running (a schedule fires only on a running
 *                     worker, so a due slot must bring a fleet scaled to zero back up)
 *
 * Jobs deferred by the limiter sit in `delayed` with a future time and are not runnable, so
 * a throttled backlog does not scale the fleet out for nothing. Per-domain counts come from
 * a bounded sample of the runnable jobs (extrapolated), so a scrape costs O(sample) not O(queue).
 */
import type { Redis } from 'ioredis';
import { domainKey } from '../../../shared/domain-key.ts';
import { queueKeys } from '../../../shared/keys.ts';
import { SCHEDULE_QUEUE_NAME } from '../../../shared/schedules/schedule-keys.ts';
import type { DomainUsage } from '../politeness/limiter-replies.ts';

export interface EligibleBacklogOptions {
  redis: Redis;
  prefix: string;
  /** Reads one domain's limits, usage and cooldown (DomainLimiter.usage). */
  usage: (domain: string) => Promise<DomainUsage>;
  /** Runnable jobs inspected to learn the domain mix. */
  sampleSize?: number;
  /** Lease hold time assumed for a domain that has not released a lease yet, ms. */
  defaultHoldMs?: number;
}

export interface DomainBacklog {
  domain: string;
  runnable: number;
  eligible: number;
  reason: 'ok' | 'cooldown' | 'concurrency' | 'rate';
}

export interface EligibleBacklog {
  runnable: number;
  eligibleBacklog: number;
  inFlight: number;
  demand: number;
  /** Fire jobs of the schedule queue that are due or running (worker/src/schedules/). */
  scheduleFires: number;
  sampled: number;
  domains: DomainBacklog[];
}

/** How many jobs of one domain can usefully hold worker slots at the same time. */
export function domainCapacity(usage: DomainUsage, defaultHoldMs: number): { slots: number; reason: DomainBacklog['reason'] } {
  if (usage.cooldownUntil !== null && usage.cooldownUntil > usage.now) return { slots: 0, reason: 'cooldown' };
  let slots = Number.POSITIVE_INFINITY;
  let reason: DomainBacklog['reason'] = 'ok';
  if (usage.concurrency > 0) {
    slots = Math.max(0, usage.concurrency - usage.activeLeases);
    reason = 'concurrency';
  }
  const holdMs = usage.holdMs > 0 ? usage.holdMs : defaultHoldMs;
  for (const window of usage.windows) {
    const rateSlots = Math.max(1, Math.ceil((window.max / window.perMs) * holdMs));
    if (rateSlots < slots) {
      slots = rateSlots;
      reason = 'rate';
    }
  }
  return { slots, reason };
}

function urlOf(data: string | null): string | undefined {
  if (!data) return undefined;
  try {
    return (JSON.parse(data) as { request?: { url?: string } }).request?.url;
  } catch {
    return undefined;
  }
}

export async function measureEligibleBacklog(options: EligibleBacklogOptions): Promise<EligibleBacklog> {
  const { redis, prefix, usage, sampleSize = 1000, defaultHoldMs = 1000 } = { ...options };
  const keys = queueKeys(prefix);
  const fires = queueKeys(prefix, SCHEDULE_QUEUE_NAME);
  // BullMQ scores delayed jobs as timestamp * 0x1000 + a counter: "due" means below now's bucket end.
  const dueScore = (Date.now() + 1) * 0x1000;
  const half = Math.ceil(sampleSize / 2);
  const [[, wait], [, prioritized], [, due], [, active], [, waitIds], [, prioIds], [, dueIds], [, firesWaiting], [, firesDue], [, firesActive]] = (await redis.multi()
    .llen(keys.key('wait')).zcard(keys.key('prioritized')).zcount(keys.key('delayed'), 0, dueScore).llen(keys.key('active'))
    .lrange(keys.key('wait'), -half, -1).zrange(keys.key('prioritized'), 0, half - 1)
    .zrangebyscore(keys.key('delayed'), 0, dueScore, 'LIMIT', 0, half)
    .llen(fires.key('wait')).zcount(fires.key('delayed'), 0, dueScore).llen(fires.key('active'))
    .exec()) as [unknown, unknown][] as [[null, number], [null, number], [null, number], [null, number], [null, string[]], [null, string[]], [null, string[]], [null, number], [null, number], [null, number]];
  const scheduleFires = firesWaiting + firesDue + firesActive;
  const runnable = wait + prioritized + due;
  const ids = [...waitIds, ...prioIds, ...dueIds];
  const datas = ids.length ? await redis.pipeline(ids.map((id) => ['hget', keys.job(id), 'data'])).exec() : [];
  const sampledCounts = new Map<string, number>();
  for (const [, data] of datas ?? []) {
    const url = urlOf(data as string | null);
    if (!url) continue;
    const domain = domainKey(url);
    sampledCounts.set(domain, (sampledCounts.get(domain) ?? 0) + 1);
  }
  const sampled = [...sampledCounts.values()].reduce((a, b) => a + b, 0);
  const scale = sampled > 0 ? runnable / sampled : 0;
  const domains = await Promise.all([...sampledCounts].map(async ([domain, count]) => {
    const estimate = Math.round(count * scale);
    const capacity = domainCapacity(await usage(domain), defaultHoldMs);
    const eligible = Math.min(estimate, capacity.slots);
    return { domain, runnable: estimate, eligible, reason: eligible < estimate ? capacity.reason : 'ok' } satisfies DomainBacklog;
  }));
  const eligibleBacklog = domains.reduce((sum, d) => sum + d.eligible, 0);
  return { runnable, eligibleBacklog, inFlight: active, demand: eligibleBacklog + active + scheduleFires, scheduleFires, sampled, domains };
}
