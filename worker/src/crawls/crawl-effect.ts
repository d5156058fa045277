/**
 * @module worker/crawls/crawl-effect
 * What a crawl's page changes when it finishes, as an effect (effects/define-effect.ts), after the
 * result effect stored its result:
 *   1. its record is appended to the crawl's page list (result store; once per page),
 *   2. its links (a completed page at depth < maxDepth, until discovery stops) are classified
 *      and, with the page's finish, handed to the advance script (broker, atomic: dedupe, the
 *      exact limit, the window refill, completion),
 *   3. `crawl.page` is called back, and `crawl.completed` when this finish ended the crawl.
 * A failed page (retries spent, or failed by BullMQ's stalled check: the failed-job sweeper
 * runs this too) is recorded and finished the same way, without links.
 *
 * Crash safety: each step is idempotent per page (the recorded bitmap, the done bitmap, the
 * delivery ids). A run that finds its result stored recalls it only once the crawl has recorded
 * the page (effects/index.ts); before that it fetches the page again, because the links exist
 * only in the fetched page: a crash between the result and the advance script costs a second
 * fetch of that page, never its links. A run of an already finished page changes nothing but
 * re-queues the completion callback (same delivery id) if the crawl is complete.
 */
import { encodePageRecord, type CrawlPageRecord, pageJobId } from '../../../shared/crawls/index.ts';
import type { Redis } from 'ioredis';
import { defineEffect, type EffectData } from '../effects/define-effect.ts';
import type { RobotsCache } from '../politeness/index.ts';
import type { Page } from '../pipeline/page/page.ts';
import { classifyUrls, pageLinks, type Discovered } from './crawl-discovery.ts';
import type { CrawlEvents } from './crawl-events.ts';
import { appendPageRecord } from './page-records.ts';
import type { AdvanceReply, CrawlStore, LoadedCrawl } from './crawl-store.ts';

export interface CrawlEffectOptions {
  store: CrawlStore;
  events: CrawlEvents;
  /** Result store client: the page list lives there. */
  results: Redis;
  prefix: string;
  /** The results' TTL: page records live as long. */
  ttlSeconds: number;
  robots: RobotsCache | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The URLs a finished page hands to the crawl, their depth, and what was dropped before. */
async function discover(crawl: LoadedCrawl, depth: number, page: Page, robots: RobotsCache | undefined): Promise<{ found: Discovered; depth: number; skippedDepth: number }> {
  const none = { found: { entries: [], skippedScope: 0 }, depth, skippedDepth: 0 };
  // A redirect (HTTP mode does not follow a crawl page's redirects) leads to its target as a
  // link of the same depth: a redirect is not a hop of the site's link graph.
  const location = REDIRECTS.has(page.status) ? page.headers.location : undefined;
  if (location) return { found: await classifyUrls([location], { crawl, robots }), depth, skippedDepth: 0 };
  const links = await pageLinks(page);
  if (depth + 1 > crawl.config.maxDepth) {
    const inScope = links.filter((link) => { const url = crawl.scope.canonical(link); return url !== null && crawl.scope.verdict(url) === 'in'; });
    return { ...none, found: { entries: [], skippedScope: links.length - inScope.length }, skippedDepth: inScope.length };
  }
  const found = await classifyUrls(links, { crawl, robots });
  // A browser followed the page's redirects itself: its final URL is marked seen, so a later
  // link to it is a duplicate rather than a second fetch.
  const final = page.finalUrl !== page.url ? crawl.scope.canonical(page.finalUrl) : null;
  if (final !== null) {
    const mark = await classifyUrls([final], { crawl, robots: undefined });
    for (const entry of mark.entries) found.entries.push({ ...entry, flag: 's' });
  }
  return { found, depth: depth + 1, skippedDepth: 0 };
}

export function crawlEffect(options: CrawlEffectOptions) {
  const { store, events, results, prefix, ttlSeconds, robots } = options;

  async function finish(crawl: LoadedCrawl, data: EffectData, record: CrawlPageRecord, discovered?: { found: Discovered; depth: number; skippedDepth: number }): Promise<AdvanceReply> {
    const { id, n } = data.crawl!;
    await appendPageRecord(results, prefix, id, n, encodePageRecord(record), ttlSeconds);
    const reply = await store.advance({
      crawlId: id, op: 'page', n, outcome: record.status,
      depth: discovered?.depth ?? 0, entries: discovered?.found.entries ?? [],
      skippedScope: discovered?.found.skippedScope ?? 0, skippedDepth: discovered?.skippedDepth ?? 0,
    });
    await events.page(crawl, data.tenant, record);
    if (reply.event) await events.ended(crawl, data.tenant, reply.event);
    else if (reply.already && reply.status === 'completed') await events.ended(crawl, data.tenant, 'completed');
    return reply;
  }

  return defineEffect({
    name: 'crawl',
    async completed({ jobId, data }, { result, page }) {
      const ref = data?.crawl;
      if (!ref) return;
      const crawl = await store.load(ref.id);
      if (!crawl) return; // the crawl expired: nothing left to count into
      const record: CrawlPageRecord = {
        status: 'completed', n: ref.n, url: result.url, depth: ref.depth, jobId, httpStatus: result.httpStatus, finishedAt: new Date().toISOString(),
      };
      const location = page && REDIRECTS.has(page.status) ? page.headers.location : undefined;
      if (location) record.redirectTo = location;
      const discovering = page !== undefined && crawl.config.sitemap !== 'only' && !store.discoveryStopped(ref.id);
      await finish(crawl, data, record, discovering ? await discover(crawl, ref.depth, page, robots) : undefined);
    },
    async failed({ jobId, data }, { reason }) {
      if (data?.crawlSeed) {
        // The seed job failed for good: the crawl cannot be seeded, so it fails (pages already
        // queued still run and are recorded).
        const crawl = await store.load(data.crawlSeed.id);
        if (!crawl) return;
        const reply = await store.advance({ crawlId: data.crawlSeed.id, op: 'fail', reason: `seeding failed: ${reason}` });
        if (reply.event === 'failed' || reply.status === 'failed') await events.ended(crawl, data.tenant, 'failed', `seeding failed: ${reason}`);
        return;
      }
      const ref = data?.crawl;
      if (!ref) return;
      const crawl = await store.load(ref.id);
      if (!crawl) return;
      await finish(crawl, data, {
        status: 'failed', n: ref.n, url: data.request?.url ?? '', depth: ref.depth, jobId, error: reason.slice(0, 1000), finishedAt: new Date().toISOString(),
      });
    },
  });
}

export { pageJobId };
