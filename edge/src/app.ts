/**
 * @module edge/app
 * Assembles the Hono app: routes, auth, quotas, body limits, OpenAPI and problem+json errors.
 *
 * Layout: one folder per capability owns its routes and the broker logic behind them, named
 * after the path it serves: jobs/ (`/v1/jobs`, with jobs/enqueue/ for the add-job path that
 * batches and hooks share too), batches/, hooks/, domains/, schedules/, health/ (`/healthz`, `/readyz`),
 * openapi/ (`/openapi.json`, `/docs`). Shared plumbing keeps its own folders: auth/, middleware/
 * (auth, scope, quota, the JSON body reader), problems/ (problem+json classes, broker errors),
 * redis/ (the REST clients).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { loadEdgeConfig } from './config.ts';
import { apiKeyAuth } from './middleware/api-key-auth.ts';
import { quota } from './middleware/quota.ts';
import { requireScope } from './middleware/require-scope.ts';
import { docsPage } from './openapi/docs-page.ts';
import { registerRoutes } from './openapi/register-routes.ts';
import { HttpProblem } from './problems/http-problem.ts';
import { InternalProblem, NotFoundProblem, PayloadTooLargeProblem } from './problems/problems.ts';
import { batchesRoutes } from './batches/batch-routes.ts';
import { batchResultsRoutes } from './batches/batch-results-routes.ts';
import { crawlsRoutes } from './crawls/crawl-routes.ts';
import { mapRoutes } from './crawls/map-routes.ts';
import { domainsRoutes } from './domains/domain-routes.ts';
import { healthRoutes } from './health/health-routes.ts';
import { hooksRoutes } from './hooks/hook-routes.ts';
import { jobActionRoutes } from './jobs/job-action-routes.ts';
import { jobEventRoutes } from './jobs/job-event-routes.ts';
import { jobsRoutes } from './jobs/job-routes.ts';
import { schedulesRoutes } from './schedules/schedule-routes.ts';

const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: { title: 'Quarry', version: '0.1.0', description: 'Distributed web-scraping task queue: enqueue scrape jobs, read their state and results.', license: { name: 'MIT', identifier: 'MIT' } },
};

/** The document names the deployment that serves it as its server, so the reference at /docs sends its "try it" requests there. */
export const openApiDocument = (app: OpenAPIHono<AppEnv>, requestUrl: string) =>
  app.getOpenAPI31Document({ ...OPENAPI_INFO, servers: [{ url: new URL(requestUrl).origin, description: 'This deployment' }] });

/** Batches and hook deliveries are bigger than single jobs; each gets its own limit. */
const sizedBodyLimit = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const config = loadEdgeConfig(c.env);
  const large = c.req.path.startsWith('/v1/batches') || c.req.path.startsWith('/v1/hooks/');
  const maxSize = large ? config.maxBatchBodyBytes : config.maxBodyBytes;
  return bodyLimit({ maxSize, onError: () => { throw new PayloadTooLargeProblem(maxSize); } })(c, next);
};

const unlessHook = (middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> => (c, next) =>
  (c.req.path.startsWith('/v1/hooks/') ? next() : middleware(c, next));

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();

  app.route('/', healthRoutes);
  // Hooks are called by third parties and authenticated by their signature instead.
  app.use('/v1/*', unlessHook(apiKeyAuth({ keys: (env) => loadEdgeConfig(env).apiKeys })));
  app.use('/v1/*', unlessHook(quota()));
  app.use('/v1/*', sizedBodyLimit());
  app.use('/v1/jobs', requireScope());
  app.use('/v1/jobs/*', requireScope());
  app.use('/v1/batches', requireScope());
  app.use('/v1/batches/*', requireScope());
  app.use('/v1/crawls', requireScope());
  app.use('/v1/crawls/*', requireScope());
  app.use('/v1/map', requireScope());
  app.use('/v1/schedules', requireScope());
  app.use('/v1/schedules/*', requireScope());
  app.use('/v1/domains/*', requireScope({ read: 'read', write: 'admin' }));
  app.route('/v1/jobs', jobsRoutes);
  app.route('/v1/jobs', jobActionRoutes);
  app.route('/v1/jobs', jobEventRoutes);
  app.route('/v1/batches', batchesRoutes);
  app.route('/v1/batches', batchResultsRoutes);
  app.route('/v1/crawls', crawlsRoutes);
  app.route('/v1/map', mapRoutes);
  app.route('/v1/hooks', hooksRoutes);
  app.route('/v1/domains', domainsRoutes);
  app.route('/v1/schedules', schedulesRoutes);

  registerRoutes(app);
  app.get('/openapi.json', (c) => c.json(openApiDocument(app, c.req.url)));
  app.get('/docs', docsPage());

  app.notFound((c) => new NotFoundProblem(`No route ${c.req.method} ${new URL(c.req.url).pathname}: see /docs for the API.`).toResponse());
  app.onError((error) => {
    if (error instanceof HttpProblem) return error.toResponse();
    if (error instanceof HTTPException && error.status < 500) {
      return new HttpProblem({ status: error.status, slug: 'bad-request', title: 'Bad request', detail: error.message || 'The request could not be processed.' }).toResponse();
    }
    console.error('unhandled error', error);
    return new InternalProblem().toResponse();
  });
  return app;
}
