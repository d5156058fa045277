/**
 * @module bench/suites/http
 * Issue 7, HTTP mode: Quarry (1 and 2 worker processes) against raw BullMQ with the same
 * fetch + parse (the floor) and fetch only (the ceiling), Celery 5 prefork with BeautifulSoup
 * and with bare lxml, and Crawlee's CheerioCrawler, on the same ~20 KB pages.
 */
import type { Suite } from '../../core/suite.ts';
import { runJobSuite } from '../jobs/job-suite.ts';
import { rawBullmqSystem } from '../jobs/systems/bullmq-raw.ts';
import { celerySystem } from '../jobs/systems/celery.ts';
import { crawleeSystem } from '../jobs/systems/crawlee.ts';
import { quarrySystem } from '../jobs/systems/quarry.ts';

/** Quarry's default QUARRY_CONCURRENCY; every peer gets the same number of jobs in flight per process or pool. */
const CONCURRENCY = 10;

export const httpSuite: Suite = {
  id: 'http',
  title: 'HTTP scraping, end to end: Quarry vs raw BullMQ, Celery, Crawlee',
  run: (ctx) => runJobSuite(ctx, {
    kind: 'page',
    jobs: ctx.quick ? 1_000 : 5_000,
    baseline: 'quarry-http-1w',
    stallTimeoutMs: 60_000,
    needs: { celery: true },
    params: { concurrency: CONCURRENCY },
    systems: [
      quarrySystem({ workers: 1, concurrency: CONCURRENCY }, 'http'),
      quarrySystem({ workers: 2, concurrency: CONCURRENCY }, 'http'),
      rawBullmqSystem({ processes: 1, concurrency: CONCURRENCY, parse: true }),
      rawBullmqSystem({ processes: 1, concurrency: CONCURRENCY, parse: false }),
      celerySystem({ concurrency: CONCURRENCY, parser: 'bs4' }),
      celerySystem({ concurrency: CONCURRENCY, parser: 'lxml' }),
      crawleeSystem({ crawler: 'cheerio', concurrency: CONCURRENCY }),
    ],
    notes: [
      `Concurrency ${CONCURRENCY} everywhere: Quarry and raw BullMQ run ${CONCURRENCY} jobs at once per Node process (one core each); Celery's prefork -c ${CONCURRENCY} is ${CONCURRENCY} Python processes (both cores); Crawlee is one process pinned at ${CONCURRENCY}.`,
      'Quarry and raw BullMQ get the same jobs the edge stores (Queue.addBulk of the same JobData and options); Celery gets send_task per URL; Crawlee gets the URL list in its in-memory queue.',
    ],
  }),
};
