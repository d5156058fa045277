/**
 * @module edge/crawls/crawl-openapi
 * The OpenAPI description of the crawl and map routes: requests reuse the shared schemas
 * (shared/crawls/crawl-request.ts), responses are in crawl-schemas.ts.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { crawlRequestSchema, mapRequestSchema } from '../../../shared/crawls/index.ts';
import type { AppEnv } from '../app-env.ts';
import { problemSchema } from '../openapi/schemas.ts';
import { crawlAcceptedSchema, crawlCancelSchema, crawlExample, crawlPagesCsvExample, crawlPagesNdjsonExample, crawlPagesSchema, crawlViewSchema, mapAnswerSchema } from './crawl-schemas.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const secured = [{ bearer: [] }];
const common = { 400: problem('Invalid input: the detail names the field'), 401: problem('Missing or invalid API key'), 403: problem('The key lacks the scope'), 503: problem('Broker unreachable: retry after Retry-After seconds') };
const idParam = z.object({ id: z.string().describe('Crawl id from POST /v1/crawls; another tenant\'s id answers 404 like an unknown one') });

export function registerCrawlRoutes(app: OpenAPIHono<AppEnv>): void {
  const r = app.openAPIRegistry;
  r.registerPath(createRoute({
    method: 'post', path: '/v1/crawls', operationId: 'createCrawl', summary: 'Start a crawl (scope, depth, an exact page limit, sitemaps; docs/crawls.md)', security: secured,
    request: { headers: z.object({ 'idempotency-key': z.string().optional() }), body: { required: true, content: { 'application/json': { schema: crawlRequestSchema, example: crawlExample } } } },
    responses: { 202: json('Started (or the existing crawl for the same idempotency key)', crawlAcceptedSchema), ...common, 413: problem('Body too large'), 415: problem('Not JSON') },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/crawls/{id}', operationId: 'getCrawl', summary: 'Crawl status, counts and times', security: secured,
    request: { params: idParam }, responses: { 200: json('The crawl', crawlViewSchema), 404: problem('Unknown or expired crawl'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'get', path: '/v1/crawls/{id}/pages', operationId: 'listCrawlPages', summary: 'Finished pages with their results (JSON pages; every page as NDJSON with Accept: application/x-ndjson or ?format=jsonl; the completed pages\' results as CSV with ?format=csv or Accept: text/csv)', security: secured,
    request: {
      params: idParam,
      query: z.object({
        status: z.enum(['completed', 'failed']).optional(),
        cursor: z.string().optional().describe('The previous page\'s next; for CSV, the list position to resume at (the last whole row\'s index + 1; a resumed CSV has no header)'),
        limit: z.string().optional().describe('1–100, default 20; for CSV, the most rows (unlimited by default)'),
        format: z.enum(['json', 'jsonl', 'ndjson', 'csv']).optional().describe('csv: one row per completed page (index = list position, jobId, the result\'s fields, extract.<name> and format columns as GET /v1/batches/{id}/results)'),
      }),
    },
    responses: { 200: { description: 'One page of records (application/json), all of them one per line (application/x-ndjson), or the completed pages\' results (text/csv)', content: { 'application/json': { schema: crawlPagesSchema }, 'application/x-ndjson': { schema: z.string(), example: crawlPagesNdjsonExample }, 'text/csv': { schema: z.string(), example: crawlPagesCsvExample } } }, 404: problem('Unknown crawl'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'delete', path: '/v1/crawls/{id}', operationId: 'cancelCrawl', summary: 'Cancel a crawl: discovery stops, pages not started are removed, running pages finish', security: secured,
    request: { params: idParam }, responses: { 200: json('Cancelled', crawlCancelSchema), 404: problem('Unknown crawl'), 409: problem('Already finished or cancelled'), ...common },
  }));
  r.registerPath(createRoute({
    method: 'post', path: '/v1/map', operationId: 'mapSite', summary: 'List a site\'s URLs from its start page and sitemaps, without scraping them', security: secured,
    request: { body: { required: true, content: { 'application/json': { schema: mapRequestSchema, example: { url: 'https://docs.example.com/', limit: 1000, includeSubdomains: false } } } } },
    responses: { 200: json('The URLs', mapAnswerSchema), ...common, 504: problem('No worker answered within 30 s') },
  }));
}
