/**
 * @module worker/proxies/proxy-fleet
 * The fleet's proxy state in Redis, one Lua call per decision: `pick` (which proxy a job goes
 * through: choice, domain default, tier, sticky session, round-robin past the cooling ones) and
 * `report` (what the proxy did: cool it down, drop or keep the session, move the domain's
 * tier). Cost: one EVALSHA per pick and one per report (shared/scripts/proxy-*.lua).
 */
import { noSessionKey, proxyDomainKeys, proxyKeys, proxySessionKey } from '../../../shared/proxy-keys.ts';
import { loadScript } from '../../../shared/scripts/load-scripts.ts';
import { runScript, type PolitenessRedis } from '../politeness/run-script.ts';

const PICK = loadScript('proxy-pick');
const REPORT = loadScript('proxy-report');

export interface FleetSettings {
  /** Pool name → proxy ids, in configured order. */
  pools: ReadonlyMap<string, readonly string[]>;
  /** The fleet default as the scripts read it: `none`, `auto` or `pool:<name>`. */
  defaultChoice: string;
  tiers: readonly string[];
  tierBlocks: number;
  tierDownMs: number;
  cooldownMs: number;
  maxCooldownMs: number;
  sessionTtlMs: number;
}

export interface PickInput {
  /** `''` (the job names none), `none`, `auto` or `pool:<name>`. */
  choice: string;
  domain: string;
  /** `{tenant, pool, key}` of a sticky session. */
  session?: { tenant: string; pool: string; key: string };
}

export type PickResult =
  | { kind: 'direct'; tier: number }
  | { kind: 'proxy'; pool: string; id: string; tier: number; session: 'none' | 'kept' | 'new' | 'moved'; jar: string }
  | { kind: 'cooling'; pool: string; retryMs: number; tier: number }
  | { kind: 'unknown'; pool: string; tier: number };

export interface ReportInput {
  outcome: 'ok' | 'failed' | 'blocked';
  /** '' for a direct request on "auto". */
  id: string;
  domain: string;
  tier: number;
  session?: { tenant: string; pool: string; key: string };
  /** The session's cookie jar after the job (JSON); '' leaves it. */
  jar?: string;
}

export interface ProxyFleet {
  pick(input: PickInput): Promise<PickResult>;
  report(input: ReportInput): Promise<{ cooledUntil: number; tier: number }>;
}

export function createProxyFleet(redis: PolitenessRedis, prefix: string, settings: FleetSettings): ProxyFleet {
  const keys = proxyKeys(prefix);
  const poolArgs = [...settings.pools].map(([name, ids]) => `${name}=${ids.join(',')}`);
  const sessionKey = (session: PickInput['session']) => (session ? proxySessionKey(prefix, session.tenant, session.pool, session.key) : noSessionKey(prefix));
  return {
    async pick({ choice, domain, session }) {
      const domainKeys = proxyDomainKeys(prefix, domain);
      const reply = (await runScript(redis, PICK, [keys.rotation, keys.cooldown, sessionKey(session), domainKeys.limits, domainKeys.tier], [
        choice, settings.defaultChoice, settings.sessionTtlMs, settings.tierDownMs, settings.tiers.join(','), session ? 1 : 0, ...poolArgs,
      ])) as [string, string, string | number, number, string?, string?];
      const [kind, pool, third, tier] = reply;
      if (kind === 'direct') return { kind, tier: Number(tier) };
      if (kind === 'cooling') return { kind, pool, retryMs: Number(third), tier: Number(tier) };
      if (kind === 'unknown') return { kind, pool, tier: Number(tier) };
      return { kind: 'proxy', pool, id: String(third), tier: Number(tier), session: (reply[4] ?? 'none') as 'none', jar: reply[5] ?? '' };
    },
    async report({ outcome, id, domain, tier, session, jar = '' }) {
      const reply = (await runScript(redis, REPORT, [keys.cooldown, keys.health, sessionKey(session), proxyDomainKeys(prefix, domain).tier], [
        outcome, id, settings.cooldownMs, settings.maxCooldownMs, tier, settings.tiers.length, settings.tierBlocks,
        Math.max(settings.tierDownMs * 4, 3_600_000), session ? 1 : 0, settings.sessionTtlMs, jar,
      ])) as [number, number];
      return { cooledUntil: Number(reply[0]), tier: Number(reply[1]) };
    },
  };
}
