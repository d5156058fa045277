/**
 * @module edge/domains/domain-state
 * A domain's politeness as the API shows it: override, effective limits and usage (the same
 * read-only Lua the workers' limiter uses), cooldown from the broker, and the fleet's robots.txt
 * copies from the result store (where workers keep them: evictable, unlike the broker).
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { domainKeys, politenessDefaultsKey, robotsKeys } from '../../../shared/domain-keys.ts';
import { decodeRates, domainLimitsFromHash, domainLimitsSchema, domainLimitsToHash, type DomainLimits } from '../../../shared/domain-limits.ts';
import { hashReplyToRecord } from '../../../shared/hash-reply.ts';
import { LUA_SCRIPTS } from '../../../shared/scripts/generated.ts';
import { parseUsageReply } from '../../../shared/domain-usage.ts';

/** The limiter's defaults; the usage snapshot applies the same margin the workers do. */
const SAFETY_MARGIN = 0.05;
const CLAIM_GRACE_MS = 20;

const scripts = new WeakMap<Redis, ReturnType<Redis['createScript']>>();

/** The fleet's robots.txt entry of one origin, as stored by worker/src/politeness/robots-store.ts. */
function robotsView(origin: string, entry: Record<string, string>) {
  const time = (ms: string | undefined) => (ms && Number(ms) > 0 ? new Date(Number(ms)).toISOString() : null);
  return {
    origin, outcome: entry.outcome ?? null, status: Number(entry.status ?? 0),
    fetchedAt: time(entry.fetchedAt), expiresAt: time(entry.expiresAt), unreachableSince: time(entry.unreachableSince),
    truncated: entry.truncated === '1',
  };
}

/** `broker`: limits, usage, cooldown. `results`: the robots.txt copies. Both read in parallel. */
export async function readDomainState(broker: Redis, results: Redis, prefix: string, domain: string) {
  const keys = domainKeys(prefix, domain);
  const origins = [`https://${domain}`, `http://${domain}`];
  const [[defaultsReply, overrideReply], robotsReplies] = (await Promise.all([
    broker.pipeline().hgetall(politenessDefaultsKey(prefix)).hgetall(keys.limits).exec(),
    results.pipeline().hgetall(robotsKeys(prefix, origins[0]!).entry).hgetall(robotsKeys(prefix, origins[1]!).entry).exec(),
  ])) as [unknown[], unknown[]];
  const defaults = hashReplyToRecord(defaultsReply);
  let usage = scripts.get(broker);
  if (!usage) scripts.set(broker, (usage = broker.createScript(LUA_SCRIPTS['domain-usage'].content)));
  const reply = await usage.exec([keys.limits, keys.log, keys.leases, keys.state], [defaults.rates ?? '', defaults.concurrency ?? '0', String(SAFETY_MARGIN), String(CLAIM_GRACE_MS)]);
  const snapshot = parseUsageReply(domain, reply);
  const robots = robotsReplies.map(hashReplyToRecord).flatMap((entry, index) => (Object.keys(entry).length > 0 ? [robotsView(origins[index]!, entry)] : []));
  return {
    domain,
    override: domainLimitsFromHash(hashReplyToRecord(overrideReply)) ?? null,
    defaults: { rates: decodeRates(defaults.rates ?? ''), concurrency: Number(defaults.concurrency ?? 0), published: Boolean(defaults.updatedAt) },
    effective: { rates: snapshot.windows.map(({ max, perMs }) => ({ max, perMs })), concurrency: snapshot.concurrency },
    usage: {
      windows: snapshot.windows.map(({ max, perMs, used }) => ({ max, perMs, used })),
      activeLeases: snapshot.activeLeases, reservedAhead: snapshot.reservedAhead,
      nextSlotAt: new Date(snapshot.nextSlotAt).toISOString(), holdMs: snapshot.holdMs,
    },
    cooldownUntil: snapshot.cooldownUntil ? new Date(snapshot.cooldownUntil).toISOString() : null,
    robots,
  };
}

export async function writeDomainLimits(redis: Redis, prefix: string, domain: string, limits: DomainLimits | null): Promise<void> {
  const key = domainKeys(prefix, domain).limits;
  if (limits === null) {
    await redis.del(key);
    return;
  }
  // DEL then HSET atomically: a field the new body omits falls back to the default.
  await redis.multi().del(key).hset(key, domainLimitsToHash(domainLimitsSchema.parse(limits))).exec();
}
