/**
 * @module edge/queue/domain-state
 * A domain's politeness as the API shows it: override, effective limits and usage (the same
 * read-only Lua the workers' limiter uses), cooldown, and the fleet's robots.txt copy.
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

export async function readDomainState(redis: Redis, prefix: string, domain: string) {
  const keys = domainKeys(prefix, domain);
  const [defaultsReply, overrideReply, httpsRobots, httpRobots] = (await redis.pipeline()
    .hgetall(politenessDefaultsKey(prefix)).hgetall(keys.limits)
    .hgetall(robotsKeys(prefix, `https://${domain}`).entry).hgetall(robotsKeys(prefix, `http://${domain}`).entry)
    .exec()) as unknown[];
  const defaults = hashReplyToRecord(defaultsReply);
  let usage = scripts.get(redis);
  if (!usage) scripts.set(redis, (usage = redis.createScript(LUA_SCRIPTS['domain-usage'].content)));
  const reply = await usage.exec([keys.limits, keys.log, keys.leases, keys.state], [defaults.rates ?? '', defaults.concurrency ?? '0', String(SAFETY_MARGIN), String(CLAIM_GRACE_MS)]);
  const snapshot = parseUsageReply(domain, reply);
  const robots = [['https', hashReplyToRecord(httpsRobots)], ['http', hashReplyToRecord(httpRobots)]].filter(([, r]) => Object.keys(r as object).length > 0)
    .map(([scheme, r]) => {
      const entry = r as Record<string, string>;
      return { origin: `${scheme}://${domain}`, outcome: entry.outcome ?? null, status: Number(entry.status ?? 0), fetchedAt: entry.fetchedAt ? new Date(Number(entry.fetchedAt)).toISOString() : null, expiresAt: entry.expiresAt ? new Date(Number(entry.expiresAt)).toISOString() : null };
    });
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
