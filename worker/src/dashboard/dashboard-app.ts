/**
 * @module worker/dashboard/dashboard-app
 * The dashboard as a Hono app: bull-board's UI and JSON API over the given BullMQ queues, behind
 * HTTP Basic auth, with `/healthz` open for probes. Read-only mode is enforced here as well as in
 * bull-board: any method but GET/HEAD is refused before it reaches a handler. Quarry's own views
 * (views/) sit beside bull-board under `/quarry/`.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { viewRoutes, type ViewSources } from './views/view-routes.ts';

export interface DashboardAppOptions {
  /** BullMQ queues shown, in this order. */
  queues: Queue[];
  /** HTTP Basic user name. */
  user: string;
  /** HTTP Basic password. */
  password: string;
  /** Show only: job and queue actions are hidden in the UI and refused with 405. */
  readOnly?: boolean;
  /** Board title in the UI. */
  title?: string;
  /** Where Quarry's own views (`/quarry/domains`, `/quarry/runs`) read; without it they are not mounted. */
  views?: ViewSources;
}

export function createDashboardApp(options: DashboardAppOptions): Hono {
  const { queues, user, password, readOnly = true, title = 'Quarry queues', views } = { ...options };
  const app = new Hono();
  app.get('/healthz', (c) => c.text('ok\n'));
  // Hono's own: credentials compared through SHA-256 digests in constant time.
  app.use('*', basicAuth({ username: user, password, realm: 'Quarry dashboard' }));
  // The browser resends Basic credentials on cross-site requests: refuse form-style posts from
  // other origins, and keep the board out of other sites' frames.
  app.use('*', csrf());
  app.use('*', secureHeaders({ xFrameOptions: 'DENY' }));
  if (readOnly) {
    app.use('*', async (c, next) => {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
      return c.json({ error: 'the dashboard is read-only (QUARRY_DASHBOARD_READ_ONLY=true)' }, 405, { Allow: 'GET, HEAD' });
    });
  }
  // Before bull-board's routes, behind the same auth and read-only middleware.
  if (views) app.route('/quarry', viewRoutes(views));
  const board = new HonoAdapter(serveStatic);
  board.setBasePath('/');
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: readOnly })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: title } },
  });
  app.route('/', board.registerPlugin());
  return app;
}
