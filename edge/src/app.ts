/**
 * @module edge/app
 * Assembles the Hono app: routes, auth, body limit and problem+json error handling.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env.ts';
import { loadEdgeConfig } from './config.ts';
import { apiKeyAuth } from './middleware/api-key-auth.ts';
import { HttpProblem } from './problems/http-problem.ts';
import { InternalProblem, NotFoundProblem, PayloadTooLargeProblem } from './problems/problems.ts';
import { healthRoutes } from './routes/health.ts';
import { jobsRoutes } from './routes/jobs.ts';

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.route('/', healthRoutes);

  app.use('/v1/*', apiKeyAuth({ keys: (env) => loadEdgeConfig(env).apiKeys }));
  app.use('/v1/*', async (c, next) => {
    const maxSize = loadEdgeConfig(c.env).maxBodyBytes;
    return bodyLimit({ maxSize, onError: () => { throw new PayloadTooLargeProblem(maxSize); } })(c, next);
  });
  app.route('/v1/jobs', jobsRoutes);

  app.notFound((c) => new NotFoundProblem(`No route ${c.req.method} ${new URL(c.req.url).pathname}: see the API section of the README (POST /v1/jobs, GET /v1/jobs/:id).`).toResponse());
  app.onError((error) => {
    if (error instanceof HttpProblem) return error.toResponse();
    console.error('unhandled error', error);
    return new InternalProblem().toResponse();
  });
  return app;
}
