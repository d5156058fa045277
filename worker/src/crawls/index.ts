/**
 * @module worker/crawls
 * The worker's side of crawls (docs/crawls.md): the crawl effect that records a finished page
 * and hands its links to the crawl (crawl-effect.ts), the seed job that admits seeds and
 * sitemap URLs (crawl-seed.ts), the map job of POST /v1/map (map-job.ts), the export subject of a crawl's
 * `export` (crawl-export.ts), and the recall rule for a crawl's page: a stored result is
 * reused only once the crawl has recorded the page, since its links exist only in the page.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import { CRAWL_SEED_JOB, MAP_JOB } from '../../../shared/crawls/index.ts';
import type { CallbackQueue } from '../callbacks/callback-worker.ts';
import type { EffectData } from '../effects/define-effect.ts';
import { InvalidJobError } from '../errors/index.ts';
import type { HttpFetcher } from '../http/http-fetcher.ts';
import type { PolitenessGate } from '../politeness/index.ts';
import type { OtherJob } from '../processor.ts';
import { crawlEffect } from './crawl-effect.ts';
import { createCrawlEvents } from './crawl-events.ts';
import { createCrawlSeeder } from './crawl-seed.ts';
import { createCrawlStore, type CrawlStore } from './crawl-store.ts';
import { createMapJob } from './map-job.ts';

export interface WorkerCrawlsOptions {
  broker: Redis;
  results: Redis;
  prefix: string;
  /** The results' TTL: page records live as long. */
  resultTtlSeconds: number;
  callbacks: CallbackQueue;
  /** The HTTP fetcher (with the SSRF guard): POST /v1/map fetches its start page with it. */
  fetcher: HttpFetcher;
  gate?: PolitenessGate;
  userAgent: string;
  dispatcher?: Dispatcher;
  checkUrl?: (url: URL) => Promise<unknown>;
  /** Enqueues a completed crawl's export (worker/src/exports/); the due sweep finds it without. */
  onExportDue?: (crawlId: string) => Promise<void>;
}

export interface WorkerCrawls {
  store: CrawlStore;
  effect: ReturnType<typeof crawlEffect>;
  /** False for a crawl's page whose finish the crawl has not recorded: fetch it again for its links. */
  mayRecall(data: EffectData | undefined): Promise<boolean>;
  /** Processor entries for jobs that are not scrapes, by BullMQ name. */
  jobs: Record<string, OtherJob>;
}

export function createWorkerCrawls(options: WorkerCrawlsOptions): WorkerCrawls {
  const { broker, results, prefix, callbacks, gate } = options;
  const store = createCrawlStore(broker, prefix);
  const events = createCrawlEvents(callbacks, store, options.onExportDue);
  const seeder = createCrawlSeeder({
    store, events, userAgent: options.userAgent,
    ...(gate ? { gate } : {}), ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}), ...(options.checkUrl ? { checkUrl: options.checkUrl } : {}),
  });
  const seedJob: OtherJob = async (job: Job, run) => {
    const data = job.data as EffectData & { crawlSeed?: { id?: unknown } };
    const crawlId = data?.crawlSeed?.id;
    if (typeof crawlId !== 'string') throw new InvalidJobError(['crawlSeed.id: a crawl seed job names its crawl']);
    const started = performance.now();
    const outcome = await seeder({ id: job.id!, crawlId, tenant: data.tenant, firstStart: job.attemptsStarted === 1, signal: run.signal, logger: run.logger });
    run.logger.info({ crawlId, ...outcome }, 'crawl seeded');
    return { status: 200, finalUrl: '', title: null, durationMs: Math.round(performance.now() - started), attempt: run.attempt };
  };
  return {
    store,
    effect: crawlEffect({ store, events, results, prefix, ttlSeconds: options.resultTtlSeconds, robots: gate?.robots }),
    async mayRecall(data) {
      return data?.crawl ? store.pageDone(data.crawl.id, data.crawl.n) : true;
    },
    jobs: {
      [CRAWL_SEED_JOB]: seedJob,
      [MAP_JOB]: createMapJob({
        fetcher: options.fetcher, results, prefix, userAgent: options.userAgent,
        ...(gate ? { gate } : {}), ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}), ...(options.checkUrl ? { checkUrl: options.checkUrl } : {}),
      }),
    },
  };
}
