/**
 * @module bench/suites/politeness/systems/quarry-fleet
 * Quarry's worker fleet for the politeness suite: the job suites' Quarry system with robots.txt
 * off and, when throttled, each domain's limits set through the limiter's `setLimits` (what
 * `PUT /v1/domains/:host/limits` stores) before the workers start; no default limits otherwise.
 */
import { domainKey } from '../../../../shared/domain-key.ts';
import { createDomainLimiter } from '../../../../worker/src/politeness/index.ts';
import { benchRedis } from '../../../setup/redis-client.ts';
import type { JobSystem } from '../../jobs/job-system.ts';
import { quarrySystem, UNTHROTTLED_ENV } from '../../jobs/systems/quarry.ts';
import { BENCH_PREFIX } from '../../jobs/systems/result-format.ts';
import { CONCURRENCY, DOMAINS, PROCESSES } from '../workload.ts';

/** Domains without an override get no limit, so only the limits set below apply. */
const NO_DEFAULTS = { QUARRY_DOMAIN_RATES: 'none', QUARRY_DOMAIN_CONCURRENCY: '0', QUARRY_RESPECT_ROBOTS: 'false' };

export function quarryFleetSystem(throttled: boolean, origin: (host: string) => string): JobSystem {
  const base = quarrySystem({ workers: PROCESSES, concurrency: CONCURRENCY, env: throttled ? NO_DEFAULTS : { ...UNTHROTTLED_ENV, QUARRY_RESPECT_ROBOTS: 'false' } }, 'http');
  const { readFields: _unchecked, ...rest } = base; // /slow serves one page for every URL: nothing per-URL to check
  return {
    ...rest,
    id: throttled ? 'quarry-fleet' : 'quarry-unthrottled',
    label: throttled
      ? `Quarry, fleet-wide per-domain limits, ${PROCESSES} × ${CONCURRENCY}`
      : `Quarry, limits out of reach, ${PROCESSES} × ${CONCURRENCY}`,
    async start(env) {
      if (throttled) {
        const redis = benchRedis(env.brokerUrl);
        try {
          const limiter = createDomainLimiter({ redis, prefix: BENCH_PREFIX });
          for (const domain of DOMAINS) {
            await limiter.setLimits(domainKey(origin(domain.host)), domain.concurrency > 0 ? { rates: [domain.rate], concurrency: domain.concurrency } : { rates: [domain.rate] });
          }
        } finally {
          redis.disconnect();
        }
      }
      return base.start(env);
    },
  };
}
