/**
 * @module worker/proxies/proxy-config-fields
 * The proxy rows of the worker's config table (spread into worker/src/config-table.ts).
 * `QUARRY_PROXY_POOLS` carries credentials: a bad entry is reported by its redacted label only.
 */
import { z } from 'zod';
import type { ConfigField } from '../config-table.ts';
import { parseProxyUrl, type ProxyEndpoint } from './proxy-url.ts';

const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** The most proxies one pool may list: each pick passes the pool's ids to Redis (11 bytes each). */
export const MAX_POOL_PROXIES = 1000;

export type ProxyPools = ReadonlyMap<string, readonly ProxyEndpoint[]>;

const pools = z.string().transform((text, ctx): ProxyPools => {
  const result = new Map<string, ProxyEndpoint[]>();
  if (text.trim() === '') return result;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<pool>": ["http://user:pass@host:port", …], …}' });
    return z.NEVER;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object of pool name → list of proxy URLs' });
    return z.NEVER;
  }
  for (const [name, urls] of Object.entries(parsed)) {
    if (!POOL_NAME.test(name) || name === 'none' || name === 'auto') {
      ctx.addIssue({ code: 'custom', message: `pool "${name.slice(0, 64)}": names are letters, digits, _ . - (not "none" or "auto")` });
      continue;
    }
    if (!Array.isArray(urls) || urls.length === 0 || urls.length > MAX_POOL_PROXIES || !urls.every((u) => typeof u === 'string')) {
      ctx.addIssue({ code: 'custom', message: `pool "${name}": must list 1 to ${MAX_POOL_PROXIES} proxy URLs` });
      continue;
    }
    const endpoints: ProxyEndpoint[] = [];
    for (const url of urls as string[]) {
      try {
        endpoints.push(parseProxyUrl(url));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `pool "${name}": ${(error as Error).message}` });
      }
    }
    result.set(name, endpoints);
  }
  return result;
});

const field = <S extends z.ZodType>(definition: ConfigField<S>): ConfigField<S> => definition;
const choice = z.string().regex(/^(none|auto|[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/, 'must be none, auto or a pool name');
const int = (min: number, max: number) => z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number)
  .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

export const PROXY_CONFIG_FIELDS = {
  proxyPools: field({
    env: 'QUARRY_PROXY_POOLS', default: '', schema: pools,
    doc: 'Named proxy pools, JSON: `{"datacenter": ["http://user:pass@10.0.0.5:3128", "socks5://u:p@10.0.0.6:1080"], "residential": ["https://…"]}` (`http://`, `https://`, `socks5://`). Credentials stay in the worker: logs, metrics, errors and Redis see `http://***@host:port` and a hashed id.',
  }),
  proxyDefault: field({
    env: 'QUARRY_PROXY_DEFAULT', default: 'none', schema: choice,
    doc: 'Proxy of jobs that name none and whose domain has no default: `none`, `auto` (tiers) or a pool name.',
  }),
  proxyTiers: field({
    env: 'QUARRY_PROXY_TIERS', default: '', schema: z.string().regex(/^([A-Za-z0-9][A-Za-z0-9_.-]{0,63}(,[A-Za-z0-9][A-Za-z0-9_.-]{0,63})*)?$/, 'must be pool names separated by commas, e.g. none,datacenter,residential').transform((text) => text === '' ? [] : text.split(',')),
    doc: 'Tiers of `proxy: "auto"`, cheapest first, e.g. `none,datacenter,residential` (`none` = direct). A domain that keeps blocking moves up one; after `QUARRY_PROXY_TIER_DOWN_SECONDS` quiet it tries the one below.',
  }),
  proxyTierBlocks: field({
    env: 'QUARRY_PROXY_TIER_BLOCKS', default: '3', schema: int(1, 1000),
    doc: 'Blocks (403/429) in a row that move a domain up a tier.',
  }),
  proxyTierDownSeconds: field({
    env: 'QUARRY_PROXY_TIER_DOWN_SECONDS', default: '600', schema: int(1, 30 * 86_400),
    doc: 'How long a domain stays on a higher tier before it tries the one below again.',
  }),
  proxyCooldownMs: field({
    env: 'QUARRY_PROXY_COOLDOWN_MS', default: '30000', schema: int(1, 86_400_000),
    doc: 'Fleet-wide pause of a proxy after it failed (connection or credentials refused) or was blocked (403/429 through it); doubles per failure in a row.',
  }),
  proxyMaxCooldownMs: field({
    env: 'QUARRY_PROXY_MAX_COOLDOWN_MS', default: '600000', schema: int(1, 86_400_000),
    doc: 'Longest such pause.',
  }),
  proxySessionTtlSeconds: field({
    env: 'QUARRY_PROXY_SESSION_TTL_SECONDS', default: '1800', schema: int(1, 30 * 86_400),
    doc: 'A sticky session (`proxy.session`) keeps its proxy and cookie jar this long after its last job.',
  }),
};
