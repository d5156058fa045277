/**
 * @module client/paging
 * Every item of a cursor-paged list, fetched page by page as the caller iterates: the dead-letter
 * view (`GET /v1/jobs`, `nextCursor`) and a crawl's pages (`GET /v1/crawls/{id}/pages`, `next`).
 */
import { unwrap } from './problem.ts';
import type { QuarryApi } from './quarry-client.ts';
import type { components } from './schema.generated.ts';

type Schemas = components['schemas'];

export async function* listAllJobs(api: QuarryApi, query: { status?: string; limit?: number } = {}): AsyncGenerator<Schemas['JobList']['jobs'][number]> {
  let cursor: string | undefined;
  do {
    const page = await unwrap(api.GET('/v1/jobs', { params: { query: { status: query.status, limit: query.limit?.toString(), cursor } } }));
    yield* page.jobs;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

export async function* listAllCrawlPages(api: QuarryApi, id: string, query: { status?: 'completed' | 'failed'; limit?: number } = {}): AsyncGenerator<Schemas['CrawlPages']['pages'][number]> {
  let cursor: string | undefined;
  do {
    // The JSON form (the route also answers NDJSON and CSV, typed as strings).
    const page = await unwrap(api.GET('/v1/crawls/{id}/pages', { params: { path: { id }, query: { status: query.status, limit: query.limit?.toString(), cursor } }, headers: { accept: 'application/json' } })) as Schemas['CrawlPages'];
    yield* page.pages;
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
}
