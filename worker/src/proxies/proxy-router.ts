/**
 * @module worker/proxies/proxy-router
 * Chooses a job's route (direct, or a proxy of a pool) before it is admitted, and settles it
 * after the load: reports the proxy's outcome to the fleet and turns a proxy's failure into the
 * error the job throws (the class is the retry policy).
 *
 * Costs: a job that names no proxy, on a worker without QUARRY_PROXY_POOLS, QUARRY_PROXY_TIERS
 * or a QUARRY_PROXY_DEFAULT, costs nothing. Otherwise one pick (EVALSHA) per job, which also
 * reads the domain's default; a proxied job then one report (EVALSHA) whatever its outcome; a
 * direct job on "auto" reports only a block.
 */
import type { Logger } from 'pino';
import { domainKey } from '../../../shared/domain-key.ts';
import { encodeProxyChoice } from '../../../shared/scrape-options/proxy-options.ts';
import { isHttpStatusError } from '../errors/index.ts';
import type { JobContext } from '../pipeline/job-context.ts';
import type { StoredCookie } from '../request/cookie-jar.ts';
import type { ProxyFleet } from './proxy-fleet.ts';
import type { ProxyEndpoint } from './proxy-url.ts';
import { ProxiesCoolingDownError, ProxyBlockedError, ProxyFailedError, UnknownProxyPoolError } from './proxy-errors.ts';
import { createProxyTransport, proxyFailureReason, type ProxyTransport, type TransportOptions } from './transports/index.ts';

/** A session's cookie jar is kept up to this size in Redis; a larger one is not saved. */
export const MAX_SESSION_JAR_BYTES = 16_384;

/** What the loaders get: where to send the job, and the session's cookies. */
export interface LoadRoute {
  /** Undefined: direct (a job on "auto" whose domain is on the `none` tier). */
  readonly transport: ProxyTransport | undefined;
  /** Set for a sticky session: its cookie jar at the start (empty for a new session). */
  readonly session: { readonly cookies: readonly StoredCookie[] } | undefined;
  /** The cookies the run ended with, for the session to keep. */
  keepCookies(cookies: readonly StoredCookie[]): void;
}

export interface ProxyRoute extends LoadRoute {
  readonly pool: string;
  readonly tier: number;
  /** Reports the outcome; returns what the job throws instead of `error` (itself when unchanged). */
  settle(error?: unknown): Promise<unknown>;
}

export interface ProxyRouter {
  /** Undefined: the job goes direct and the fleet's proxy state is not involved. */
  route(ctx: JobContext): Promise<ProxyRoute | undefined>;
  close(): Promise<void>;
}

export interface ProxyRouterOptions {
  fleet: ProxyFleet | undefined;
  pools: ReadonlyMap<string, readonly ProxyEndpoint[]>;
  /** Whether a job that names no proxy may get one (a default, tiers or pools that domains may name). */
  routesByDefault: boolean;
  transportOptions?: TransportOptions;
  logger?: Logger;
}

function parseJar(text: string): StoredCookie[] {
  if (text === '') return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as StoredCookie[]) : [];
  } catch {
    return [];
  }
}

export function createProxyRouter(options: ProxyRouterOptions): ProxyRouter {
  const { fleet, pools, routesByDefault, transportOptions = {}, logger } = options;
  const endpoints = new Map<string, ProxyEndpoint>();
  for (const list of pools.values()) for (const endpoint of list) endpoints.set(endpoint.id, endpoint);
  const transports = new Map<string, ProxyTransport>();
  const transportOf = (id: string): ProxyTransport | undefined => {
    let transport = transports.get(id);
    const endpoint = endpoints.get(id);
    if (!transport && endpoint) transports.set(id, (transport = createProxyTransport(endpoint, transportOptions)));
    return transport;
  };

  return {
    async route(ctx) {
      const asked = ctx.options.proxy;
      if (asked === 'none' || (asked === undefined && !routesByDefault)) return undefined;
      if (typeof asked === 'object' && !pools.has(asked.pool)) throw new UnknownProxyPoolError(asked.pool, [...pools.keys()]);
      if (!fleet) throw new UnknownProxyPoolError(typeof asked === 'object' ? asked.pool : 'auto', []);
      const domain = domainKey(ctx.options.url);
      const session = typeof asked === 'object' && asked.session !== undefined
        ? { tenant: ctx.tenant ?? '-', pool: asked.pool, key: asked.session } : undefined;
      const picked = await fleet.pick({ choice: asked === undefined ? '' : encodeProxyChoice(asked), domain, ...(session ? { session } : {}) });
      if (picked.kind === 'unknown') throw new UnknownProxyPoolError(picked.pool, [...pools.keys()]);
      if (picked.kind === 'cooling') throw new ProxiesCoolingDownError(picked.pool, picked.retryMs);
      if (picked.kind === 'direct' && picked.tier < 0) return undefined;
      const transport = picked.kind === 'proxy' ? transportOf(picked.id) : undefined;
      if (picked.kind === 'proxy' && !transport) throw new UnknownProxyPoolError(picked.pool, [...pools.keys()]);
      const label = transport?.label ?? 'direct';
      let kept: string | undefined;
      const report = (outcome: 'ok' | 'failed' | 'blocked') => fleet.report({
        outcome, id: transport?.id ?? '', domain, tier: picked.tier, ...(session ? { session } : {}), ...(kept !== undefined ? { jar: kept } : {}),
      }).catch((error: unknown) => logger?.warn({ err: String(error), proxy: label }, 'could not report the proxy outcome'));
      ctx.logger.debug({ proxy: label, pool: picked.kind === 'proxy' ? picked.pool : undefined, tier: picked.tier }, 'proxy chosen');
      return {
        transport, pool: picked.kind === 'proxy' ? picked.pool : 'none', tier: picked.tier,
        session: session ? { cookies: picked.kind === 'proxy' ? parseJar(picked.jar) : [] } : undefined,
        keepCookies(cookies) {
          const text = JSON.stringify(cookies);
          if (Buffer.byteLength(text) <= MAX_SESSION_JAR_BYTES) kept = text;
          else logger?.warn({ proxy: label, bytes: Buffer.byteLength(text) }, 'session cookie jar over the cap: not saved');
        },
        async settle(error) {
          if (error === undefined) {
            if (transport) await report('ok');
            return undefined;
          }
          const reason = transport ? proxyFailureReason(error) : undefined;
          if (reason !== undefined) {
            await report('failed');
            return new ProxyFailedError(label, reason, error);
          }
          if (isHttpStatusError(error) && (error.status === 403 || error.status === 429)) {
            await report('blocked');
            // A 429 stays what it is, for the politeness gate's fleet-wide cooldown of the domain.
            return error.status === 403 ? new ProxyBlockedError(label, 403, error) : error;
          }
          return error;
        },
      };
    },
    async close() {
      await Promise.all([...transports.values()].map((transport) => transport.close()));
    },
  };
}
