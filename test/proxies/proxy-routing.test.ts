/**
 * Proxies in http mode through a real worker, real Redis and real local proxies that record
 * what passes: round-robin rotation, sticky sessions (one proxy and one cookie jar), cool-down
 * of a blocked or dead proxy, HTTPS through CONNECT to a self-signed site, SOCKS5, the SSRF
 * guard still judging the target, tiered escalation and back, and the Redis commands per job.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRequestInput } from '../../shared/job-schema.ts';
import { resultKey } from '../../shared/keys.ts';
import { proxyDomainKeys, proxyKeys } from '../../shared/proxy-keys.ts';
import { loadScript } from '../../shared/scripts/load-scripts.ts';
import { parseProxyUrl } from '../../worker/src/proxies/proxy-url.ts';
import type { QuarryWorker } from '../../worker/src/quarry-worker.ts';
import { startRequestSite, type RequestSite } from '../support/request-pages.ts';
import { selfSignedCert, startHttpProxy, startSocks5Proxy, startTlsSite, type RecordingProxy, type TlsSite } from '../support/proxies.ts';
import { HOST_A, startHarness, type Harness } from '../worker/harness.ts';

let h: Harness;
let site: RequestSite;
let tlsSite: TlsSite;
let worker: QuarryWorker;
let redis: Redis;
const proxies: Record<'a' | 'b' | 'c' | 's', RecordingProxy> = {} as never;
const cert = selfSignedCert(['127.0.0.4']);
const DEAD = 'http://u:p@127.0.0.9:9';

beforeAll(async () => {
  [h, site, tlsSite, proxies.a, proxies.b, proxies.c, proxies.s] = await Promise.all([
    startHarness(), startRequestSite([HOST_A]), startTlsSite('127.0.0.4', cert),
    startHttpProxy({ host: '127.0.0.5', username: 'ua', password: 'secret-a' }),
    startHttpProxy({ host: '127.0.0.6', username: 'ub', password: 'secret-b' }),
    startHttpProxy({ host: '127.0.0.7', username: 'uc', password: 'secret-c' }),
    startSocks5Proxy({ host: '127.0.0.8', username: 'us', password: 'secret-s' }),
  ]);
  redis = new Redis(h.broker.url);
  const pools = { rotating: [proxies.a.url, proxies.b.url, proxies.c.url], flaky: [DEAD, proxies.c.url], socks: [proxies.s.url], upper: [proxies.c.url] };
  worker = await h.startWorker({
    allowPrivateCidrs: '127.0.0.2/31,127.0.0.4/32',
    proxyPools: new Map(Object.entries(pools).map(([name, urls]) => [name, urls.map(parseProxyUrl)])),
    proxyTiers: ['none', 'upper'], proxyTierBlocks: 1, proxyCooldownMs: 60_000,
  }, { proxyTransport: { requestTls: { ca: cert.cert } } });
});
afterAll(async () => {
  redis?.disconnect();
  await Promise.all([h?.close(), site?.close(), tlsSite?.close(), ...Object.values(proxies).map((proxy) => proxy?.close())]);
});

async function run(input: Partial<JobRequestInput>) {
  const job = await h.add({ url: site.url('/echo'), extract: { echo: '#echo', from: '#from', h1: 'h1' }, attempts: 1, ...input });
  const done = await h.settled(job, ['completed', 'failed'], 30_000);
  const stored = await h.resultClient.get(resultKey(h.prefix, job.id!));
  // BullMQ keeps the last attempt's failedReason on a job that completed on a retry: only a failed job's counts.
  const failed = (await done.getState()) === 'failed';
  return { job: { attemptsMade: done.attemptsMade, failedReason: failed ? done.failedReason : undefined }, result: stored ? JSON.parse(stored) : undefined };
}

const through = (proxy: RecordingProxy, from: number) => proxy.passed.length - from;
const counts = () => ({ a: proxies.a.passed.length, b: proxies.b.passed.length, c: proxies.c.passed.length });

describe('proxies in http mode', () => {
  it('rotates round-robin over the pool, with each proxy\'s credentials', async () => {
    const before = counts();
    for (let i = 0; i < 6; i++) expect((await run({ proxy: { pool: 'rotating' } })).job.failedReason).toBeUndefined();
    expect([through(proxies.a, before.a), through(proxies.b, before.b), through(proxies.c, before.c)]).toEqual([2, 2, 2]);
    expect(new Set(proxies.a.passed.map((p) => p.username))).toEqual(new Set(['ua']));
  });

  it('keeps a session on one proxy with one cookie jar, per tenant and key', async () => {
    const before = counts();
    const login = await run({ url: site.url('/login'), proxy: { pool: 'rotating', session: 'shop-1' } });
    expect(JSON.parse(login.result.extract.echo).headers.cookie).toBe('login=yes');
    const again = await run({ proxy: { pool: 'rotating', session: 'shop-1' } });
    expect(JSON.parse(again.result.extract.echo).headers.cookie).toBe('login=yes');
    await run({ proxy: { pool: 'rotating', session: 'shop-1' } });
    const used = Object.entries(counts()).filter(([name, n]) => n > before[name as 'a']).map(([name]) => name);
    expect(used).toHaveLength(1);
    // Another session key starts with an empty jar.
    const other = await run({ proxy: { pool: 'rotating', session: 'shop-2' } });
    expect(JSON.parse(other.result.extract.echo).headers.cookie).toBeUndefined();
  });

  it('cools a proxy down when the site blocks it (403), retries on another, and skips it after', async () => {
    proxies.b.block(403);
    try {
      const before = counts();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await run({ proxy: { pool: 'rotating' }, attempts: 2 }));
      expect(results.map((r) => r.job.failedReason)).toEqual([undefined, undefined, undefined, undefined]);
      expect(through(proxies.b, before.b)).toBe(1);
      const blocked = results.find((r) => r.job.attemptsMade === 2);
      expect(blocked).toBeDefined();
      expect(await redis.zscore(proxyKeys(h.prefix).cooldown, parseProxyUrl(proxies.b.url).id)).not.toBeNull();
    } finally {
      proxies.b.block(undefined);
      await redis.del(proxyKeys(h.prefix).cooldown, proxyKeys(h.prefix).health);
    }
  });

  it('cools a dead proxy down and says so without its credentials', async () => {
    const first = await run({ proxy: { pool: 'flaky' }, attempts: 1 });
    const second = await run({ proxy: { pool: 'flaky' }, attempts: 1 });
    const failed = [first, second].find((r) => r.job.failedReason);
    expect(failed?.job.failedReason).toMatch(/^proxy http:\/\/\*\*\*@127\.0\.0\.9:9 failed: connection failed/);
    expect(failed?.job.failedReason).not.toContain('u:p');
    // From now on the dead one is skipped.
    for (let i = 0; i < 3; i++) expect((await run({ proxy: { pool: 'flaky' } })).job.failedReason).toBeUndefined();
  });

  it('fetches https through CONNECT, TLS end to end with the site', async () => {
    const before = proxies.a.passed.length + proxies.b.passed.length + proxies.c.passed.length;
    const { job, result } = await run({ url: tlsSite.url('/page'), proxy: { pool: 'rotating' } });
    expect(job.failedReason).toBeUndefined();
    expect(result.extract.h1).toBe('secure /page');
    const passed = [...proxies.a.passed, ...proxies.b.passed, ...proxies.c.passed].slice(0).filter((p) => p.method === 'CONNECT' && p.target === new URL(tlsSite.url('/')).host);
    expect(passed.length).toBeGreaterThanOrEqual(1);
    expect(proxies.a.passed.length + proxies.b.passed.length + proxies.c.passed.length).toBe(before + 1);
  });

  it('goes through SOCKS5', async () => {
    const before = proxies.s.passed.length;
    const { job, result } = await run({ proxy: { pool: 'socks' } });
    expect(job.failedReason).toBeUndefined();
    expect(proxies.s.passed.slice(before)).toEqual([{ target: new URL(site.url('/')).host, method: 'CONNECT', username: 'us' }]);
  });

  it('still refuses a forbidden target before anything goes out through the proxy', async () => {
    const before = counts();
    const { job } = await run({ url: 'http://127.0.0.9:8080/x', proxy: { pool: 'rotating' } });
    expect(job.failedReason).toMatch(/forbidden address/);
    expect(counts()).toEqual(before);
  });

  it('refuses an unknown pool naming the ones it has', async () => {
    const { job } = await run({ proxy: { pool: 'nope' } });
    expect(job.failedReason).toBe('proxy: unknown pool "nope"; the workers have "rotating", "flaky", "socks", "upper"');
  });

  it('moves a blocking domain up a tier on "auto", and back down once the tier ages', async () => {
    const domain = new URL(site.url('/')).host;
    const keys = proxyDomainKeys(h.prefix, domain);
    const before = proxies.c.passed.length;
    const escalated = await run({ url: site.url('/only-proxied'), proxy: 'auto', attempts: 2 });
    expect(escalated.job.failedReason).toBeUndefined();
    expect(escalated.job.attemptsMade).toBe(2);
    expect(escalated.result.extract.from).toBe('127.0.0.7'); // through the "upper" tier's proxy
    expect(await redis.hget(keys.tier, 'tier')).toBe('1');
    // Stays up while it is young...
    expect((await run({ url: site.url('/only-proxied'), proxy: 'auto' })).result.extract.from).toBe('127.0.0.7');
    expect(proxies.c.passed.length - before).toBe(2);
    // ...and tries the tier below once QUARRY_PROXY_TIER_DOWN_SECONDS passed (aged by hand here).
    await redis.hset(keys.tier, 'since', Date.now() - 601_000);
    const direct = await run({ url: site.url('/echo'), proxy: 'auto' });
    expect(direct.job.failedReason).toBeUndefined();
    expect(await redis.hget(keys.tier, 'tier')).toBe('0');
    expect(proxies.c.passed.length - before).toBe(2);
  });

  it('costs 2 commands per proxied job (a pick and a report) and none for a job with "proxy": "none"', async () => {
    const pick = loadScript('proxy-pick').sha;
    const report = loadScript('proxy-report').sha;
    const monitor = await new Redis(h.broker.url).monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'evalsha' && (args[1] === pick || args[1] === report)) seen.push(args[1] === pick ? 'pick' : 'report');
    });
    try {
      await run({ proxy: { pool: 'rotating' } });
      await run({ proxy: 'none' });
      expect(seen).toEqual(['pick', 'report']);
    } finally {
      monitor.disconnect();
    }
  });
});
