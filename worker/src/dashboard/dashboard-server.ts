/**
 * @module worker/dashboard/dashboard-server
 * Runs the dashboard: one Redis connection (two with a separate result store), the scrape, callbacks and exports queues on it, the
 * Hono app on Node's HTTP server. Used by dashboard-main.ts, `npm start` and the tests.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { CALLBACK_QUEUE_NAME } from '../../../shared/callback-keys.ts';
import { EXPORT_QUEUE_NAME } from '../../../shared/exports/export-keys.ts';
import { QUEUE_NAME, assertClusterSafePrefix } from '../../../shared/keys.ts';
import { closeRedis, createRedisConnection } from '../redis-connection.ts';
import { createDashboardApp } from './dashboard-app.ts';
import type { DashboardSettings } from './dashboard-settings.ts';

export interface DashboardServerOptions {
  logger?: Logger;
}

export interface DashboardServer {
  /** `http://host:port/`, with 127.0.0.1 for a wildcard address. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startDashboard(settings: DashboardSettings, options: DashboardServerOptions = {}): Promise<DashboardServer> {
  const { logger } = { ...options };
  const prefix = assertClusterSafePrefix(settings.prefix);
  // A page must fail rather than hang through a broker outage: a few retries, then an error.
  const redis = createRedisConnection({ url: settings.redisUrl, name: 'quarry-dashboard', maxRetriesPerRequest: 3, ...(logger ? { logger } : {}) });
  // skipMetasUpdate: opening a queue to look at it must not rewrite its meta (events cap, version).
  const queues = [QUEUE_NAME, CALLBACK_QUEUE_NAME, EXPORT_QUEUE_NAME].map((name) => new Queue(name, { connection: redis, prefix, skipMetasUpdate: true }));
  // The connection logs an outage once; without a listener BullMQ would print every retry's error.
  for (const queue of queues) queue.on('error', () => undefined);
  // The result store only when it is another server: one connection fewer in the usual setup.
  const results = settings.resultRedisUrl && settings.resultRedisUrl !== settings.redisUrl
    ? createRedisConnection({ url: settings.resultRedisUrl, name: 'quarry-dashboard-results', maxRetriesPerRequest: 3, ...(logger ? { logger } : {}) })
    : redis;
  const closeAll = async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await closeRedis(redis);
    if (results !== redis) await closeRedis(results);
  };
  const app = createDashboardApp({ queues, user: settings.user, password: settings.password, readOnly: settings.readOnly, views: { broker: redis, results, prefix } });

  let server: ServerType | undefined;
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      const started = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(started));
      started.once('error', reject);
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
  const listening = server;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        if ('closeAllConnections' in listening) listening.closeAllConnections();
        listening.close(() => resolve());
      });
      await closeAll();
    },
  };
}
