/**
 * @module test/politeness/measure/robots-memory
 * Where the fleet's robots.txt copies live and what they cost: one in-process worker (real
 * broker and result-store redis-servers) runs one job per origin, then `MEMORY USAGE` of every
 * robots key on each server. Origins: a typical multi-group file, a 500 KiB file of `*` rules
 * and a 500 KiB file of other agents' groups (hostile or merely huge).
 * Run: `node test/politeness/measure/robots-memory.ts`.
 */
import type { Redis } from 'ioredis';
import { Redis as IORedis } from 'ioredis';
import { waitFor } from '../../../dev/local/wait-for.ts';
import { startTestSite, type TestSite } from '../../support/test-site.ts';
import { HOST_A, startHarness } from '../../worker/harness.ts';

const KIB = 1024;

/** A file shaped like a big real one: several crawlers' groups, comments, sitemaps. */
function typicalRobots(): string {
  const lines = ['# robots.txt for a large shop', ''];
  for (const agent of ['Googlebot', 'Bingbot', 'Applebot', 'GPTBot', 'CCBot', 'AhrefsBot', 'SemrushBot', 'QuarryBot', '*']) {
    lines.push(`User-agent: ${agent}`);
    for (let i = 0; i < 30; i++) lines.push(`Disallow: /${agent.toLowerCase().replace('*', 'all')}/private-area-${i}/`);
    lines.push('Allow: /public/', 'Crawl-delay: 1', '');
  }
  for (let i = 0; i < 20; i++) lines.push(`Sitemap: https://shop.example/sitemaps/sitemap-${i}.xml.gz`);
  return lines.join('\n');
}

/** `head` plus `line(i)` for i = 0, 1, … until just under 500 KiB. */
function fileOf(head: string[], line: (i: number) => string): string {
  const lines = [...head];
  for (let i = 0, size = head.join('\n').length; size < 500 * KIB - 200; i++) {
    lines.push(line(i));
    size += lines.at(-1)!.length + 1;
  }
  return lines.join('\n');
}

const hostileStar = () => fileOf(['User-agent: *'], (i) => `Disallow: /${'x'.repeat(40)}-${i}/`);
const hostileOthers = () => fileOf([], (i) => `User-agent: bot-${i}\nDisallow: /${'y'.repeat(40)}-${i}/\n`);

async function robotsKeyBytes(redis: Redis, prefix: string): Promise<Array<[string, number]>> {
  const keys = await redis.keys(`${prefix}:robots:*`);
  return Promise.all(keys.map(async (key) => [key.slice(prefix.length), Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'))] as [string, number]));
}

const h = await startHarness();
const sites: TestSite[] = [];
try {
  const bodies: Record<string, string> = { typical: typicalRobots(), 'hostile *': hostileStar(), 'hostile others': hostileOthers() };
  const origins: Record<string, string> = {};
  for (const [name, body] of Object.entries(bodies)) {
    const site = await startTestSite({ hosts: [HOST_A] });
    site.setRobots(HOST_A, body);
    sites.push(site);
    origins[name] = site.origin(HOST_A);
  }
  await h.startWorker({ respectRobots: true });
  const jobs = await Promise.all(Object.values(origins).map((origin) => h.add({ url: `${origin}/public/page` })));
  for (const job of jobs) await h.settled(job, ['completed', 'failed'], 30_000);
  const broker = new IORedis(h.broker.url);
  const results = new IORedis(h.results.url);
  await waitFor(async () => (await broker.keys(`${h.prefix}:robots:*:lock`)).length === 0 && (await results.keys(`${h.prefix}:robots:*:lock`)).length === 0, { description: 'locks released' });
  const byOrigin = new Map(Object.entries(origins).map(([name, origin]) => [origin, name]));
  console.log('| origin | robots.txt bytes | broker bytes | result-store bytes |');
  console.log('|---|---|---|---|');
  const [brokerKeys, resultKeys] = [await robotsKeyBytes(broker, h.prefix), await robotsKeyBytes(results, h.prefix)];
  for (const [origin, name] of byOrigin) {
    const inBroker = brokerKeys.filter(([key]) => key.endsWith(origin)).reduce((sum, [, bytes]) => sum + bytes, 0);
    const inResults = resultKeys.filter(([key]) => key.endsWith(origin)).reduce((sum, [, bytes]) => sum + bytes, 0);
    console.log(`| ${name} | ${bodies[name]!.length} | ${inBroker} | ${inResults} |`);
  }
  broker.disconnect();
  results.disconnect();
} finally {
  await h.close();
  await Promise.all(sites.map((site) => site.close()));
}
