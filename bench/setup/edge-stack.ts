/**
 * @module bench/setup/edge-stack
 * What the enqueue and batch suites both run against: a broker redis-server, the REST server in
 * front of it, and the edge twice (Miniflare on the bundle, and `wrangler dev`), all registered
 * with the harness's cleanup.
 */
import { randomBytes } from 'node:crypto';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { startWranglerDev } from '../../dev/local/wrangler-dev.ts';
import type { SuiteContext } from '../core/suite.ts';
import { buildEdgeBundle } from './edge-bundle.ts';
import { startMiniflareEdge } from './miniflare-edge.ts';
import { startRestServerProcess } from './rest-server-process.ts';

export interface EdgeBenchStack {
  redis: RedisServer;
  rest: Awaited<ReturnType<typeof startRestServerProcess>>;
  apiKey: string;
  miniflareUrl: string;
  wranglerUrl: string;
  /** Stops everything, last started first. */
  stop(): Promise<void>;
}

export async function startEdgeBenchStack(ctx: SuiteContext, prefix: string): Promise<EdgeBenchStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => { for (const s of stops.reverse()) await s(); };
  try {
    const redis = await startRedisServer({ appendOnly: false });
    stops.push(ctx.cleanup.add('broker redis', () => redis.stop()));
    const rest = await startRestServerProcess(ctx.root, redis.url, ctx.cleanup);
    stops.push(rest.stop);
    const apiKey = `qk_${randomBytes(18).toString('base64url')}`;
    const secrets = {
      UPSTASH_REDIS_REST_URL: rest.url, UPSTASH_REDIS_REST_TOKEN: rest.token,
      RESULT_UPSTASH_REDIS_REST_URL: rest.url, RESULT_UPSTASH_REDIS_REST_TOKEN: rest.token,
      API_KEYS: apiKey,
    };
    ctx.log('  bundling the edge (wrangler deploy --dry-run) and starting Miniflare and wrangler dev…');
    const bundle = await buildEdgeBundle(ctx.root);
    stops.push(ctx.cleanup.add('edge bundle', () => bundle.remove()));
    const miniflare = await startMiniflareEdge({ root: ctx.root, bundle, bindings: { ...secrets, QUARRY_PREFIX: prefix } });
    stops.push(ctx.cleanup.add('Miniflare edge', () => miniflare.stop()));
    const wrangler = await startWranglerDev({ root: ctx.root, vars: secrets, overrides: { QUARRY_PREFIX: prefix } });
    stops.push(ctx.cleanup.add('wrangler dev', () => wrangler.stop()));
    return { redis, rest, apiKey, miniflareUrl: miniflare.url, wranglerUrl: wrangler.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
