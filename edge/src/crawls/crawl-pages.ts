/**
 * @module edge/crawls/crawl-pages
 * `GET /v1/crawls/:id/pages`: the crawl's page records (result store, in the order pages
 * finished) with each completed page's result. JSON: one page of `limit` records (default 20,
 * at most 100) from `cursor`, filtered by `status`, and `next`. A filter scans at most
 * max(limit × 20, 2,000) records per request, so a page may hold fewer than `limit` records
 * while `next` is not null: follow it until it is null.
 * `Accept: application/x-ndjson` (or `?format=jsonl`) streams every record (one JSON object per line) in chunks of
 * 100, each chunk one script call and one MGET on the result store: memory stays one chunk.
 */
import type { Context } from 'hono';
import type { CrawlPageRecord } from '../../../shared/crawls/index.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import type { AppEnv } from '../app-env.ts';
import { signArtifacts } from '../artifacts/sign-artifacts.ts';
import type { EdgeConfig } from '../config.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { InvalidQueryProblem } from '../problems/problems.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { crawlNotFound } from './crawl-access.ts';
import { crawlExists, listCrawlPages, pageResults } from './crawl-store.ts';

const STREAM_CHUNK = 100;

function integerQuery(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined) return fallback;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

type PageView = CrawlPageRecord & { result?: JobResult };

async function withResults(config: EdgeConfig, records: CrawlPageRecord[]): Promise<PageView[]> {
  const results = await pageResults(upstashClient(config.results), config.prefix, records);
  return Promise.all(records.map(async (record) => {
    const result = results.get(record.jobId) as JobResult | undefined;
    if (!result) return record;
    if (result.artifacts?.length && config.artifacts) return { ...record, result: { ...result, artifacts: await signArtifacts(config, record.jobId, result.artifacts) } };
    return { ...record, result };
  }));
}

export async function crawlPagesResponse(c: Context<AppEnv>, config: EdgeConfig, id: string, status: string | undefined, format?: 'json' | 'ndjson'): Promise<Response> {
  const results = upstashClient(config.results);
  if (format === 'ndjson' || (format === undefined && (c.req.header('accept') ?? '').includes('application/x-ndjson'))) {
    if (!(await withBroker(() => crawlExists(upstashClient(config.broker), config.prefix, id)))) throw crawlNotFound(id);
    const encoder = new TextEncoder();
    let cursor: number | null = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (cursor === null) return controller.close();
        try {
          const page = await listCrawlPages(results, config.prefix, id, { cursor, limit: STREAM_CHUNK, ...(status ? { status } : {}), scanBudget: STREAM_CHUNK * 20 });
          cursor = page.next;
          const views = await withResults(config, page.records);
          if (views.length > 0) controller.enqueue(encoder.encode(views.map((view) => JSON.stringify(view)).join('\n') + '\n'));
        } catch (error) {
          controller.error(error);
        }
      },
    });
    return new Response(stream, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8' } });
  }
  const limit = integerQuery(c.req.query('limit'), 20);
  const cursor = integerQuery(c.req.query('cursor'), 0);
  if (limit === undefined || limit < 1 || limit > 100) throw new InvalidQueryProblem('limit', 'must be an integer from 1 to 100');
  if (cursor === undefined) throw new InvalidQueryProblem('cursor', 'must be the next of a previous page');
  const page = await withBroker(() => listCrawlPages(results, config.prefix, id, { cursor, limit, ...(status ? { status } : {}), scanBudget: Math.max(limit * 20, 2_000) }));
  if (page.size === 0 && cursor === 0 && !(await withBroker(() => crawlExists(upstashClient(config.broker), config.prefix, id)))) throw crawlNotFound(id);
  return c.json({ id, total: page.size, pages: await withResults(config, page.records), next: page.next === null ? null : String(page.next) });
}
