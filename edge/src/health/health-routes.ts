/**
 * @module edge/health/health-routes
 * `GET /healthz` (the isolate answers) and `GET /readyz` (the broker answers too).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { upstashClient } from '../redis/upstash-clients.ts';

export const healthRoutes = new Hono<AppEnv>();

healthRoutes.get('/healthz', (c) => c.json({ status: 'ok' }));

healthRoutes.get('/readyz', async (c) => {
  const config = loadEdgeConfig(c.env);
  await withBroker(() => upstashClient(config.broker).ping());
  return c.json({ status: 'ready' });
});
