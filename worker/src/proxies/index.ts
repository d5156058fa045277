/**
 * @module worker/proxies
 * Proxies for the worker: the router built from config (QUARRY_PROXY_*), the transports (one
 * factory per kind of proxy) and the fleet state in Redis. See README "Proxies".
 */
import type { Logger } from 'pino';
import type { WorkerConfig } from '../config.ts';
import type { PolitenessRedis } from '../politeness/run-script.ts';
import { createProxyFleet } from './proxy-fleet.ts';
import { createProxyRouter, type ProxyRouter } from './proxy-router.ts';
import type { TransportOptions } from './transports/index.ts';

export interface WorkerProxiesContext {
  broker: PolitenessRedis;
  prefix: string;
  logger?: Logger;
  /** TLS settings of the transports (tests trust a private CA; production uses the system's). */
  transportOptions?: TransportOptions;
}

type ProxyConfig = Pick<WorkerConfig, 'proxyPools' | 'proxyDefault' | 'proxyTiers' | 'proxyTierBlocks' | 'proxyTierDownSeconds' | 'proxyCooldownMs' | 'proxyMaxCooldownMs' | 'proxySessionTtlSeconds'>;

export function createWorkerProxies(config: ProxyConfig, context: WorkerProxiesContext): ProxyRouter {
  const pools = config.proxyPools;
  const defaultChoice = config.proxyDefault === 'none' || config.proxyDefault === 'auto' ? config.proxyDefault : `pool:${config.proxyDefault}`;
  const configured = pools.size > 0 || config.proxyTiers.length > 0 || defaultChoice !== 'none';
  const fleet = configured
    ? createProxyFleet(context.broker, context.prefix, {
      pools: new Map([...pools].map(([name, endpoints]) => [name, endpoints.map((endpoint) => endpoint.id)])),
      defaultChoice, tiers: config.proxyTiers, tierBlocks: config.proxyTierBlocks, tierDownMs: config.proxyTierDownSeconds * 1000,
      cooldownMs: config.proxyCooldownMs, maxCooldownMs: config.proxyMaxCooldownMs, sessionTtlMs: config.proxySessionTtlSeconds * 1000,
    })
    : undefined;
  return createProxyRouter({
    fleet, pools, routesByDefault: configured,
    ...(context.logger ? { logger: context.logger } : {}), ...(context.transportOptions ? { transportOptions: context.transportOptions } : {}),
  });
}

export type { LoadRoute, ProxyRoute, ProxyRouter } from './proxy-router.ts';
export * from './proxy-errors.ts';
export { redactProxyUrl } from './proxy-url.ts';
export type { ProxyTransport, TransportOptions } from './transports/index.ts';
