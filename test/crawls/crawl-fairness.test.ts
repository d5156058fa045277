/**
 * The fairness rule (docs/crawls.md): a crawl holds at most its window of page jobs in the
 * shared queue (waiting, delayed or running); its next pages are enqueued only as earlier ones
 * finish, behind whatever was enqueued meanwhile. So a big crawl does not starve single jobs or
 * another tenant's crawl. One worker (concurrency 2), a slow site, two crawls and ten jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { crawlKeys, crawlViewOf } from '../../shared/crawls/index.ts';
import { jobRequestSchema } from '../../shared/job-schema.ts';
import { startCrawlSite, type CrawlSite } from '../support/crawl-site.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';
import { createTestCrawl } from './crawl-fixture.ts';

const HOSTS = ['127.0.0.2', '127.0.0.3'];
let ws: WorkerStack;
let site: CrawlSite;

beforeAll(async () => {
  site = await startCrawlSite({ hosts: HOSTS, pagesPerHost: 400, delayMs: 100, fillerBytes: 300 });
  ws = await startWorkerStack({ name: 'crawlfair', hosts: HOSTS, workers: 1, workerEnv: { QUARRY_CONCURRENCY: '2' } });
}, 90_000);
afterAll(async () => {
  await ws?.close();
  await site?.close();
});

async function view(id: string) {
  const keys = crawlKeys(ws.prefix, id);
  return crawlViewOf(await ws.broker.hgetall(keys.record), await ws.broker.scard(keys.inflight));
}

/** Jobs of the crawl not started yet, and all of them in BullMQ (running ones too), right now. */
async function inQueue(crawlId: string): Promise<{ waiting: number; all: number }> {
  const mine = (jobs: { id?: string | undefined }[]) => jobs.filter((job) => job?.id?.startsWith(`${crawlId}-p`)).length;
  const waiting = mine(await ws.queue.getJobs(['waiting', 'delayed', 'prioritized']));
  return { waiting, all: waiting + mine(await ws.queue.getJobs(['active'])) };
}

describe('crawl fairness', () => {
  it('a big crawl holds at most its window; single jobs and another tenant\'s crawl run meanwhile', async () => {
    const big = 'aaaaaaaaaaaa.c-big';
    const other = 'bbbbbbbbbbbb.c-other';
    await createTestCrawl(ws.broker, ws.prefix, big, { url: site.url(HOSTS[0]!, '/p/0'), limit: 300, sitemap: 'skip', maxConcurrency: 3 });
    await waitFor(async () => ((await view(big))?.completed ?? 0) >= 5, { timeoutMs: 30_000, description: 'the big crawl to run' });
    await createTestCrawl(ws.broker, ws.prefix, other, { url: site.url(HOSTS[1]!, '/p/0'), limit: 10, sitemap: 'skip', maxConcurrency: 3 });
    const singles = Array.from({ length: 10 }, (_, i) => `single-${i}`);
    for (const id of singles) {
      const request = jobRequestSchema.parse({ url: site.url(HOSTS[1]!, `/p/${390 - Number(id.split('-')[1])}`) });
      await ws.queue.add(request.mode, { request, acceptedAt: Date.now() }, { jobId: id });
    }
    const most = { waiting: 0, all: 0 };
    await waitFor(async () => {
      const now = await inQueue(big);
      most.waiting = Math.max(most.waiting, now.waiting);
      most.all = Math.max(most.all, now.all);
      const states = await Promise.all(singles.map((id) => ws.queue.getJobState(id)));
      return states.every((state) => state === 'completed') && (await view(other))?.status === 'completed';
    }, { timeoutMs: 60_000, intervalMs: 100, description: 'the single jobs and the other crawl to finish' });
    const bigNow = await view(big);
    // All of that happened while the big crawl was still running, never holding more than 3 jobs.
    expect(bigNow?.status).toBe('running');
    expect(bigNow!.completed).toBeLessThan(300);
    expect(most.waiting).toBeLessThanOrEqual(3);
    // A finished page's job stays active until BullMQ records the finish, just after its
    // replacement was queued: at most one such job per worker slot (concurrency 2) on top.
    expect(most.all).toBeLessThanOrEqual(3 + 2);
    expect(bigNow!.inFlight).toBeLessThanOrEqual(3);
  });
});
