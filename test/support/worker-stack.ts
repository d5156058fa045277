/**
 * @module test/support/worker-stack
 * The real-process stack the end-to-end suites share: loopback sites, the local stack (Redis,
 * REST servers, optionally the edge and workers) under a fresh prefix, and clients for the
 * broker, the result store and the scrape queue. Suites add their own worker env on top.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startLocalStack, type LocalStack } from '../../dev/local/local-stack.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { startTestSite, type TestSite } from './test-site.ts';

export interface WorkerStackOptions {
  /** Names the prefix (`{quarry-<name>-<random>}`), so a leftover key says which suite made it. */
  name: string;
  /** Loopback hosts the site serves; the SSRF guard lets exactly these through. */
  hosts: readonly string[];
  /** Worker processes started with the stack (`stack.addWorker()` adds more). */
  workers: number;
  /** Run the edge under wrangler dev too. */
  edge?: boolean;
  /** On top of the defaults: quiet logs, no health port, per-domain limits off. */
  workerEnv?: Record<string, string>;
  /** Scopes of the API key (`enqueue+read+admin`); the edge's default `enqueue+read` when omitted. */
  apiKeyScopes?: string;
  /** Runs on the site before any worker starts (e.g. `setRobots`). */
  prepareSite?: (site: TestSite) => void;
}

export interface WorkerStack {
  site: TestSite;
  stack: LocalStack;
  prefix: string;
  /** The key the edge accepts (`API_KEYS`). */
  apiKey: string;
  /** Broker client for BullMQ (`maxRetriesPerRequest: null`). */
  broker: Redis;
  results: Redis;
  queue: Queue;
  close(): Promise<void>;
}

export async function startWorkerStack(options: WorkerStackOptions): Promise<WorkerStack> {
  const site = await startTestSite({ hosts: [...options.hosts] });
  options.prepareSite?.(site);
  const prefix = `{quarry-${options.name}-${randomBytes(3).toString('hex')}}`;
  const apiKey = `${options.name}-${randomBytes(8).toString('hex')}`;
  const token = randomBytes(12).toString('hex');
  const stack = await startLocalStack({
    prefix, edge: options.edge ?? false, workers: options.workers,
    devVars: { UPSTASH_REDIS_REST_TOKEN: token, RESULT_UPSTASH_REDIS_REST_TOKEN: token, API_KEYS: options.apiKeyScopes ? `${apiKey}#${options.apiKeyScopes}` : apiKey },
    workerEnv: {
      QUARRY_ALLOW_PRIVATE_CIDRS: options.hosts.map((host) => `${host}/32`).join(','),
      LOG_LEVEL: 'warn', QUARRY_HEALTH_PORT: '0', QUARRY_DOMAIN_RATES: 'none', QUARRY_DOMAIN_CONCURRENCY: '0',
      ...options.workerEnv,
    },
  });
  const broker = new Redis(stack.brokerRedis.url, { maxRetriesPerRequest: null });
  const results = new Redis(stack.resultsRedis.url, { maxRetriesPerRequest: null });
  // The broker client itself: BullMQ never closes a connection it is handed, so a duplicate
  // made here would outlive close() and reconnect to a stopped Redis.
  const queue = new Queue(QUEUE_NAME, { connection: broker, prefix });
  return {
    site, stack, prefix, apiKey, broker, results, queue,
    async close() {
      await queue.close();
      broker.disconnect();
      results.disconnect();
      await stack.stop();
      await site.close();
    },
  };
}
