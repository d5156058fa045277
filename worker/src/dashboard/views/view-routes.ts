/**
 * @module worker/dashboard/views/view-routes
 * Quarry's own dashboard views under `/quarry/`, mounted beside bull-board behind the same Basic
 * auth and read-only middleware (dashboard-app.ts). GET only. Cost per page view: Domains, a
 * bounded SCAN plus 4 commands per domain (HGETALL defaults and EVALSHA domain-usage on the
 * broker, 2 HGETALL robots and 1 LRANGE last errors on the result store: 5); Batches and crawls, a bounded SCAN plus
 * ZREVRANGE and a pipeline of HGET over at most 1000 failed jobs, and one pipeline of records.
 */
import type { Redis } from 'ioredis';
import { Hono } from 'hono';
import { findDomains, readDomainRow } from './domain-rows.ts';
import { findBatches, findCrawls, readBatchRows, readCrawlRows, recentFailures } from './run-rows.ts';
import { domainsPage, runsPage } from './view-pages.ts';

export interface ViewSources {
  /** Broker: limiter state, batch and crawl records, queues. */
  broker: Redis;
  /** Result store: robots.txt copies. */
  results: Redis;
  prefix: string;
}

export function viewRoutes({ broker, results, prefix }: ViewSources): Hono {
  const app = new Hono();
  app.get('/domains', async (c) => {
    const found = await findDomains(broker, prefix);
    const rows = await Promise.all(found.names.map((domain) => readDomainRow(broker, results, prefix, domain)));
    return c.html(domainsPage(rows, found.truncated));
  });
  app.get('/runs', async (c) => {
    const [batches, crawls, failed] = await Promise.all([findBatches(broker, prefix), findCrawls(broker, prefix), recentFailures(broker, prefix)]);
    const [batchRows, crawlRows] = await Promise.all([readBatchRows(broker, prefix, batches.names, failed), readCrawlRows(broker, prefix, crawls.names, failed)]);
    return c.html(runsPage(batchRows, crawlRows, batches.truncated || crawls.truncated));
  });
  return app;
}
