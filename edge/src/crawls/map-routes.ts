/**
 * @module edge/crawls/map-routes
 * `POST /v1/map {url, limit, includeSubdomains, sitemap, ...}`: a site's URLs from its start
 * page and its sitemaps, without scraping each page. The edge never fetches, so it queues a
 * `map` job (worker/src/crawls/map-job.ts) and waits for its answer in the result store,
 * polling with backoff (100 ms → 1 s; one GET per poll) up to 30 s: 200 with the URLs, or 504 naming the job when the workers are too busy to answer in
 * time. Cost: one EVALSHA (the add-job script) plus the polls.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { mapRequestSchema, mapResultKey, MAP_JOB } from '../../../shared/crawls/index.ts';
import { queueKeys } from '../../../shared/keys.ts';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { ADD_JOB_SCRIPTS } from '../jobs/enqueue/add-job-scripts.ts';
import { randomJobId } from '../jobs/enqueue/job-id.ts';
import { buildJobOptions, encodeJobOptions } from '../jobs/enqueue/job-options.ts';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { HttpProblem } from '../problems/http-problem.ts';
import { upstashClient } from '../redis/upstash-clients.ts';

export const mapRoutes = new OpenAPIHono<AppEnv>();

const WAIT_MS = 30_000;

export class MapTimeoutProblem extends HttpProblem {
  constructor(jobId: string) {
    super({ status: 504, slug: 'map-timeout', title: 'Map not ready in time', detail: `No worker finished the map within ${WAIT_MS / 1000} s (job "${jobId}"): the fleet may be busy; retry later.`, extensions: { jobId } });
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

mapRoutes.post('/', async (c) => {
  const config = loadEdgeConfig(c.env);
  const request = await readJsonBody(c, mapRequestSchema);
  const tenant = c.get('tenant');
  const jobId = randomJobId(tenant, 'm');
  const keys = queueKeys(config.prefix);
  const now = Date.now();
  const options = encodeJobOptions(buildJobOptions(jobRequestSchema.parse({ url: request.url, attempts: 2 }), jobId, { backoffMs: config.backoffMs, keepCompleted: config.keepCompleted, keepFailed: config.keepFailed }));
  const data = { map: request, canonical: config.canonicalUrl, tenant: tenant.name, submittedBy: c.get('apiKeyId'), acceptedAt: now };
  const broker = upstashClient(config.broker);
  const script = broker.createScript(ADD_JOB_SCRIPTS.standard.lua);
  await withBroker(() => script.exec(ADD_JOB_SCRIPTS.standard.keys.map(keys.key), [
    JSON.stringify([keys.base, jobId, MAP_JOB, now, null, null, null, null, null, null]), JSON.stringify(data), JSON.stringify(options),
  ]));
  const results = upstashClient(config.results);
  const deadline = Date.now() + WAIT_MS;
  for (let interval = 100; Date.now() < deadline && !c.req.raw.signal.aborted; interval = Math.min(interval * 2, 1_000)) {
    await pause(interval);
    const answer = await withBroker(() => results.get<string>(mapResultKey(config.prefix, jobId)));
    if (answer) return c.json(JSON.parse(answer));
  }
  throw new MapTimeoutProblem(jobId);
});
