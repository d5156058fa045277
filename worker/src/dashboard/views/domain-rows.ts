/**
 * @module worker/dashboard/views/domain-rows
 * What the Domains view shows per domain, read the way `GET /v1/domains/:host` reads it: the
 * published defaults and the read-only `domain-usage` script on the broker (the limiter's own
 * numbers), the fleet's robots.txt copies and the last failures from the result store. There is no index of domains:
 * they are found by a bounded SCAN of `<prefix>:domain:*` (scan-keys.ts).
 */
import type { Redis } from 'ioredis';
import { assertDomainKey } from '../../../../shared/domain-key.ts';
import { DOMAIN_ERRORS_KEPT, domainErrorsKey, domainKeys, politenessDefaultsKey, robotsKeys } from '../../../../shared/domain-keys.ts';
import { parseUsageReply, type DomainUsage } from '../../../../shared/domain-usage.ts';
import { loadScript } from '../../../../shared/scripts/load-scripts.ts';
import { parseRobots } from '../../politeness/robots-policy.ts';
import { readEntry } from '../../politeness/robots-store.ts';
import { runScript } from '../../politeness/run-script.ts';
import { scanNames, type ScanOptions } from './scan-keys.ts';

const USAGE = loadScript('domain-usage');
/** The limiter's defaults (limiter-options.ts); the edge's domain view applies the same. */
const SAFETY_MARGIN = 0.05;
const CLAIM_GRACE_MS = 20;
const DOMAIN_KEY_SUFFIX = /:(limits|log|leases|state)$/;

export interface RobotsStatus {
  origin: string;
  outcome: string;
  status: number;
  /** Whether the fleet's copy lets the workers fetch `/` (undefined: the rules do not say). */
  rootAllowed: boolean | undefined;
  ageMs: number;
  expiresAt: number;
  truncated: boolean;
}

export interface DomainError {
  at: number;
  jobId: string;
  url: string;
  reason: string;
}

export interface DomainRow {
  domain: string;
  /** `usage.overridden`: the domain has its own limits. */
  usage: DomainUsage;
  /** Now in cooldown, or no slot free in some window, or every concurrency lease taken. */
  throttled: boolean;
  robots: RobotsStatus[];
  /** Last final job failures, newest first, each job once (worker/src/effects/domain-errors-effect.ts). */
  errors: DomainError[];
}

function parseErrors(entries: string[]): DomainError[] {
  const seen = new Set<string>();
  return entries.flatMap((entry) => {
    try {
      const error = JSON.parse(entry) as DomainError;
      if (typeof error.jobId !== 'string' || seen.has(error.jobId)) return [];
      seen.add(error.jobId);
      return [error];
    } catch {
      return [];
    }
  });
}

/** Known domains: those with any limiter key in the broker, by bounded SCAN. */
export async function findDomains(broker: Redis, prefix: string, options?: ScanOptions) {
  const base = `${prefix}:domain:`;
  return scanNames(broker, base, (rest) => {
    const domain = rest.replace(DOMAIN_KEY_SUFFIX, '');
    if (domain === rest) return undefined;
    try {
      return assertDomainKey(domain);
    } catch {
      return undefined;
    }
  }, options);
}

export async function readDomainRow(broker: Redis, results: Redis, prefix: string, domain: string): Promise<DomainRow> {
  const keys = domainKeys(prefix, domain);
  const defaults = await broker.hgetall(politenessDefaultsKey(prefix));
  const origins = [`https://${domain}`, `http://${domain}`];
  const [reply, entries, errors] = await Promise.all([
    runScript(broker, USAGE, [keys.limits, keys.log, keys.leases, keys.state], [defaults.rates ?? '', defaults.concurrency ?? '0', SAFETY_MARGIN, CLAIM_GRACE_MS]),
    Promise.all(origins.map((origin) => readEntry(results, robotsKeys(prefix, origin).entry))),
    results.lrange(domainErrorsKey(prefix, domain), 0, DOMAIN_ERRORS_KEPT - 1),
  ]);
  const usage = parseUsageReply(domain, reply);
  const throttled = usage.cooldownUntil !== null
    || usage.windows.some((window) => window.used >= window.max)
    || (usage.concurrency > 0 && usage.activeLeases >= usage.concurrency);
  const robots = entries.flatMap((entry, index) => {
    if (!entry) return [];
    const origin = origins[index]!;
    return [{
      origin, outcome: entry.outcome, status: entry.status,
      rootAllowed: parseRobots(origin, entry.outcome, entry.rules).isAllowed(`${origin}/`, entry.agent),
      ageMs: Math.max(0, usage.now - entry.fetchedAt), expiresAt: entry.expiresAt, truncated: entry.truncated,
    }];
  });
  return { domain, usage, throttled, robots, errors: parseErrors(errors) };
}
