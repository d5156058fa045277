/**
 * @module shared/proxy-keys
 * Redis key names of the fleet's proxy state (broker), under the queue prefix's hash tag so the
 * proxy scripts' keys share one Cluster slot with the domain keys they also read.
 */
import { domainKeys } from './domain-keys.ts';
import { assertClusterSafePrefix } from './keys.ts';

export interface ProxyKeys {
  /** Hash of round-robin counters, `rr:<pool>`. */
  readonly rotation: string;
  /** Sorted set: proxy id -> cooling until (epoch ms). */
  readonly cooldown: string;
  /** Hash: proxy id -> failures in a row. */
  readonly health: string;
}

export function proxyKeys(prefix: string): ProxyKeys {
  assertClusterSafePrefix(prefix);
  return { rotation: `${prefix}:proxy:rotation`, cooldown: `${prefix}:proxy:cooldown`, health: `${prefix}:proxy:health` };
}

/** A sticky session's hash (`proxy`, `jar`), scoped by tenant tag and pool: tenants never share a session. */
export function proxySessionKey(prefix: string, tenantTag: string, pool: string, session: string): string {
  assertClusterSafePrefix(prefix);
  return `${prefix}:proxy:session:${tenantTag}:${pool}:${session}`;
}

/** Named in scripts for a job without a session; never written. */
export function noSessionKey(prefix: string): string {
  return `${prefix}:proxy:session:-`;
}

/** A domain's tier on "auto" (`tier`, `blocks`, `since`), and its limits hash (whose `proxy` field is the domain's default). */
export function proxyDomainKeys(prefix: string, domain: string): { tier: string; limits: string } {
  return { tier: `${prefix}:proxy:tier:${domain}`, limits: domainKeys(prefix, domain).limits };
}
