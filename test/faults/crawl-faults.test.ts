/**
 * Crawls through faults, with real processes: a worker SIGKILLed mid-crawl, and the broker
 * redis-server restarted mid-crawl (AOF). The crawl still completes exactly once, with every
 * admitted page recorded once and counted once: nothing lost, nothing doubled. A page that was
 * being fetched by the killed worker (or during the restart) is fetched again (delivery to a
 * site is at-least-once); no other page is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { crawlKeys, crawlViewOf, type CrawlPageRecord } from '../../shared/crawls/index.ts';
import { createTestCrawl } from '../crawls/crawl-fixture.ts';
import { startCrawlSite, type CrawlSite } from '../support/crawl-site.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const HOSTS = ['127.0.0.2', '127.0.0.3'];
let ws: WorkerStack;
let site: CrawlSite;

beforeAll(async () => {
  site = await startCrawlSite({ hosts: HOSTS, pagesPerHost: 60, delayMs: 120, fillerBytes: 500 });
  ws = await startWorkerStack({
    name: 'crawlfault', hosts: HOSTS, workers: 0,
    // Fast stalled-job detection: a killed worker's pages come back within seconds.
    workerEnv: { QUARRY_STALLED_INTERVAL_MS: '1000', QUARRY_LOCK_DURATION_MS: '2000', QUARRY_CONCURRENCY: '4' },
  });
  for (const emitter of [ws.broker, ws.results, ws.queue]) emitter.on('error', () => undefined);
}, 90_000);
afterAll(async () => {
  await ws?.close();
  await site?.close();
});

async function crawlView(id: string) {
  const keys = crawlKeys(ws.prefix, id);
  return crawlViewOf(await ws.broker.hgetall(keys.record), await ws.broker.scard(keys.inflight));
}

async function records(id: string): Promise<CrawlPageRecord[]> {
  return (await ws.results.lrange(crawlKeys(ws.prefix, id).pages, 0, -1)).map((raw) => JSON.parse(raw) as CrawlPageRecord);
}

async function crawlOnce(id: string, limit: number, fault: () => Promise<void>) {
  site.log.splice(0);
  await createTestCrawl(ws.broker, ws.prefix, id, { urls: HOSTS.map((host) => site.url(host, '/p/0')), limit, sitemap: 'skip', maxConcurrency: 8 });
  await waitFor(async () => ((await crawlView(id))?.completed ?? 0) >= 12, { timeoutMs: 60_000, description: 'the crawl to get going' });
  await fault();
  const done = await waitFor(async () => {
    const view = await crawlView(id).catch(() => null);
    return view?.finishedAt ? view : undefined;
  }, { timeoutMs: 120_000, intervalMs: 250, description: 'the crawl to finish' });
  const pages = await records(id);
  return { done, pages };
}

function assertExact(done: NonNullable<Awaited<ReturnType<typeof crawlView>>>, pages: CrawlPageRecord[], limit: number) {
  expect(done.status).toBe('completed');
  expect(done).toMatchObject({ accepted: limit, completed: limit, failed: 0, queued: 0, inFlight: 0 });
  // Each admitted page recorded once, with its own number.
  expect(pages).toHaveLength(limit);
  expect(new Set(pages.map((page) => page.n)).size).toBe(limit);
  expect(new Set(pages.map((page) => page.url)).size).toBe(limit);
}

describe('crawl faults', () => {
  it('a worker SIGKILLed mid-crawl: its pages come back, the crawl completes exactly', async () => {
    const victim = ws.stack.addWorker();
    ws.stack.addWorker();
    const limit = 80;
    const { done, pages } = await crawlOnce('crawlfault.c-kill', limit, async () => {
      await victim.kill();
    });
    assertExact(done, pages, limit);
    // The kill hit pages in flight: BullMQ's stalled check gave them to the survivor.
    const jobs = await Promise.all(pages.map((page) => ws.queue.getJob(page.jobId)));
    expect(jobs.filter((job) => (job?.stalledCounter ?? 0) > 0).length).toBeGreaterThan(0);
    const fetched = site.pageRequests().map((entry) => `${entry.host} ${entry.path}`);
    const twice = fetched.filter((k, i) => fetched.indexOf(k) !== i);
    // Only pages in flight on the victim (at most its concurrency) were fetched again.
    expect(twice.length).toBeLessThanOrEqual(4);
    expect(new Set(fetched).size).toBe(limit);
  });

  it('the broker restarted mid-crawl: the crawl completes exactly once', async () => {
    const limit = 80;
    const { done, pages } = await crawlOnce('crawlfault.c-restart', limit, async () => {
      await ws.stack.brokerRedis.stop();
      await ws.stack.brokerRedis.start();
    });
    assertExact(done, pages, limit);
    const fetched = site.pageRequests().map((entry) => `${entry.host} ${entry.path}`);
    expect(new Set(fetched).size).toBe(limit);
    expect(fetched.length - limit).toBeLessThanOrEqual(8);
    expect(ws.stack.workers.filter((w) => w.process.exitCode === null).length).toBeGreaterThan(0);
  });
});
