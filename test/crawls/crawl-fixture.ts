/**
 * @module test/crawls/crawl-fixture
 * Creates crawls straight in a real Redis with the edge's own plan and script (no edge), and
 * plays "worker" against them: pops page jobs from BullMQ's wait list and finishes them through
 * the worker's CrawlStore, with links from a synthetic site graph.
 */
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { crawlRequestSchema, CRAWL_SCRIPTS, planCrawlCreate, type CrawlRequestInput } from '../../shared/crawls/index.ts';
import { queueKeys } from '../../shared/keys.ts';
import { exportDestination } from '../../shared/exports/export-target.ts';
import { buildJobOptions, encodeJobOptions } from '../../edge/src/jobs/enqueue/job-options.ts';
import { runCrawlScript } from '../../worker/src/crawls/crawl-store.ts';
import { fingerprint } from '../../worker/src/crawls/crawl-discovery.ts';
import type { CrawlEntry } from '../../worker/src/crawls/crawl-store.ts';

const CREATE = { ...CRAWL_SCRIPTS.create, sha: createHash('sha1').update(CRAWL_SCRIPTS.create.content).digest('hex') };

export interface CreateOptions {
  window?: number;
  maxDiscovered?: number;
}

export async function createTestCrawl(redis: Redis, prefix: string, crawlId: string, input: CrawlRequestInput, options: CreateOptions = {}) {
  const request = crawlRequestSchema.parse(input);
  const retention = { count: 1000, age: 3600 };
  const plan = planCrawlCreate({
    prefix, crawlId, request, tenant: 'test', submittedBy: 'test-key', canonical: { sortQuery: true, dropParams: ['utm_*'] },
    defaultWindow: options.window ?? 10, maxDiscovered: options.maxDiscovered ?? 2_000_000,
    jobOptions: (jobRequest, jobId) => encodeJobOptions(buildJobOptions(jobRequest, jobId, { backoffMs: 100, keepCompleted: retention, keepFailed: retention })),
    now: Date.now(),
    ...(request.export ? { exportDestination: exportDestination(crawlId, request.export) } : {}),
  });
  const reply = await runCrawlScript(redis, CREATE, plan.keys, plan.argv) as [number, string];
  return { created: reply[0] === 1, status: reply[1], plan };
}

export function entries(urls: readonly string[], flag: CrawlEntry['flag'] = 'a'): CrawlEntry[] {
  return urls.map((url) => ({ flag, fingerprint: fingerprint(url), url }));
}

/** Takes one waiting job (BullMQ's wait list, oldest first) with its data; null when none. */
export async function takeJob(redis: Redis, prefix: string): Promise<{ id: string; data: { request: { url: string }; crawl?: { id: string; n: number; depth: number }; domain?: string } } | null> {
  const keys = queueKeys(prefix);
  const id = await redis.rpop(keys.key('wait'));
  if (!id) return null;
  const raw = await redis.hget(keys.job(id), 'data');
  return { id, data: JSON.parse(raw!) };
}
