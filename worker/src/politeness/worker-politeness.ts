/**
 * @module worker/politeness/worker-politeness
 * Builds the politeness gate from config: default limits, per-domain overrides from config
 * (applied only where the API has not set any), and the fleet-wide robots.txt cache fetching
 * through the SSRF guard and kept in the result store.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { politenessDefaultsKey } from '../../../shared/domain-keys.ts';
import { decodeRates, domainLimitsSchema } from '../../../shared/domain-limits.ts';
import type { WorkerConfig } from '../config.ts';
import { createPolitenessGate, type PolitenessGate } from './politeness-gate.ts';
import { createDomainLimiter } from './domain-limiter.ts';
import { createRobotsCache } from './robots-cache.ts';
import { createUndiciRobotsFetcher } from './robots-fetch.ts';

export interface WorkerPolitenessContext {
  broker: Redis;
  /** The result store (evictable): the fleet's robots.txt copies live here, not in the broker. */
  results: Redis;
  prefix: string;
  logger: Logger;
  dispatcher?: Dispatcher;
  checkUrl?: (url: URL) => Promise<unknown>;
  onThrottled?: (domain: string, reason: string) => void;
}

export async function createWorkerPoliteness(config: WorkerConfig, context: WorkerPolitenessContext): Promise<PolitenessGate> {
  const { broker, results, prefix, logger, dispatcher, checkUrl, onThrottled } = context;
  const limiter = createDomainLimiter({
    redis: broker, prefix,
    defaults: { rates: decodeRates(config.domainRates), concurrency: config.domainConcurrency },
    // A lease must outlive the longest job (timeouts reach 120 s) or a slow job frees its slot early.
    leaseTtlMs: 5 * 60_000,
    // BullMQ hands delayed jobs back 10–200 ms late on a busy machine; a job that misses its
    // reserved slot loses it. Returning well ahead and waiting in-process keeps the slot.
    inProcessWaitMs: config.politenessWaitMs,
    // Grants are exact on Redis's clock; the site sees arrivals, which lag by the worker's event
    // loop (parsing other pages) and connection setup. 5 % of each window absorbs that lag;
    // 3 % still let a window overflow now and then with real workers (fleet test).
    safetyMargin: 0.05,
    returnEarlyMs: Math.round(config.politenessWaitMs / 4),
  });
  // Published so the API can show a domain's effective limits without knowing worker config.
  await broker.hset(politenessDefaultsKey(prefix), { rates: config.domainRates, concurrency: String(config.domainConcurrency), updatedAt: String(Date.now()) })
    .catch((error: unknown) => logger.warn({ err: String(error) }, 'could not publish politeness defaults'));
  for (const [domain, raw] of Object.entries(config.domainOverrides)) {
    const limits = domainLimitsSchema.safeParse(raw);
    if (!limits.success) {
      logger.error({ domain, issues: limits.error.issues.map((i) => i.message) }, 'QUARRY_DOMAIN_OVERRIDES entry ignored');
      continue;
    }
    if (!(await limiter.getLimits(domain))) await limiter.setLimits(domain, limits.data);
  }
  const robots = config.respectRobots
    ? createRobotsCache({
      redis: results, prefix, userAgent: config.userAgent,
      fetchRobots: createUndiciRobotsFetcher({ userAgent: config.userAgent, ...(dispatcher ? { dispatcher } : {}) }),
    })
    : undefined;
  return createPolitenessGate({
    limiter, defaultCooldownMs: config.defaultCooldownMs, maxCooldownRetries: config.maxCooldownRetries,
    robotsUnreachableMaxMs: config.robotsUnreachableMaxMs,
    ...(checkUrl ? { checkUrl } : {}),
    ...(robots ? { robots } : {}), ...(onThrottled ? { onThrottled } : {}),
  });
}
