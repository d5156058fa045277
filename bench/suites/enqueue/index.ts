/**
 * @module bench/suites/enqueue
 * Issue 2's acceptance figures: latency of enqueueing one job (sequential, p50/p99) and
 * throughput with 10 in flight, through the edge in workerd (Miniflare, and `wrangler dev`)
 * → local REST server → redis-server, against `Queue.add` over ioredis, plus the REST round
 * trips each enqueue costs, counted at the REST server (must be exactly 1).
 */
import type { Redis } from 'ioredis';
import { benchRedis } from '../../setup/redis-client.ts';
import { queueKeys } from '../../../shared/keys.ts';
import { runInterleaved, type Contender } from '../../core/repeat.ts';
import type { ColumnSpec, Suite, SuiteContext, SuiteOutput } from '../../core/suite.ts';
import { startEdgeBenchStack } from '../../setup/edge-stack.ts';
import { ensureBenchPackages } from '../../setup/system-packages.ts';
import { concurrent, sequential } from './drive.ts';
import { edgeHttpEnqueuer, enqueueJobEnqueuer, queueAddEnqueuer, type Enqueuer } from './enqueuers.ts';

const PREFIX = '{bench}';
const IN_FLIGHT = 10;

const COLUMNS: ColumnSpec[] = [
  { key: 'p50Ms', label: 'p50 ms', better: 'lower', digits: 2 },
  { key: 'p99Ms', label: 'p99 ms', better: 'lower', digits: 2 },
  { key: 'perSecond', label: `enqueues/s (${IN_FLIGHT} in flight)`, better: 'higher', digits: 0 },
  { key: 'restRoundTrips', label: 'REST round trips/enqueue', better: 'none', digits: 2, ratio: false },
];

/** The jobs never run (no workers): URLs only need to be valid. */
const jobUrl = (i: number) => `http://127.0.0.${2 + (i % 4)}:8080/page/${i + 1}`;

function contender(enqueuer: Enqueuer, admin: Redis, rest: { resetStats(): Promise<void>; stats(): Promise<{ requests: number; failures: number }> }, sizes: { requests: number; warmup: number }): Contender {
  const waitKey = queueKeys(PREFIX).key('wait');
  return {
    id: enqueuer.id,
    label: enqueuer.label,
    async measure() {
      await admin.flushall(); // the same empty broker for every row; scripts stay cached
      for (let i = 0; i < sizes.warmup; i++) await enqueuer.enqueue(jobUrl(i));
      await rest.resetStats();
      const latency = await sequential(sizes.requests, (i) => enqueuer.enqueue(jobUrl(i)));
      const perSecond = await concurrent(sizes.requests, IN_FLIGHT, (i) => enqueuer.enqueue(jobUrl(i)));
      const issued = 2 * sizes.requests;
      const stats = await rest.stats();
      const stored = (await admin.llen(waitKey)) - sizes.warmup;
      const notes: string[] = [];
      if (stored !== issued) notes.push(`${stored} jobs stored for ${issued} enqueues`);
      if (enqueuer.viaRest && (stats.requests !== issued || stats.failures > 0)) {
        notes.push(`${stats.requests} REST requests (${stats.failures} failed) for ${issued} enqueues: not one round trip each`);
      }
      return {
        figures: { p50Ms: latency.p50, p99Ms: latency.p99, perSecond, restRoundTrips: enqueuer.viaRest ? stats.requests / issued : null },
        notes,
      };
    },
  };
}

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  ensureBenchPackages({}, ctx.log);
  const sizes = ctx.quick ? { requests: 200, warmup: 20 } : { requests: 1000, warmup: 50 };
  const stops: Array<() => Promise<void>> = [];
  const enqueuers: Enqueuer[] = [];
  try {
    const { redis, rest, apiKey, miniflareUrl, wranglerUrl, stop } = await startEdgeBenchStack(ctx, PREFIX);
    stops.push(stop);

    enqueuers.push(
      queueAddEnqueuer(redis.url, PREFIX),
      enqueueJobEnqueuer(rest.url, rest.token, PREFIX),
      edgeHttpEnqueuer('edge-miniflare', 'POST /v1/jobs, edge in workerd (Miniflare)', miniflareUrl, apiKey),
      edgeHttpEnqueuer('edge-wrangler-dev', 'POST /v1/jobs, edge under wrangler dev', wranglerUrl, apiKey),
    );
    const admin = benchRedis(redis.url);
    stops.push(async () => void admin.disconnect());
    const rows = await runInterleaved(ctx, enqueuers.map((enqueuer) => contender(enqueuer, admin, rest, sizes)));
    return {
      baseline: 'queue-add',
      columns: COLUMNS,
      rows,
      params: { requests: sizes.requests, warmup: sizes.warmup, inFlight: IN_FLIGHT, repeats: ctx.repeats },
      notes: [
        `Each row: ${sizes.warmup} warm-up enqueues, then ${sizes.requests} sequential (p50/p99) and ${sizes.requests} with ${IN_FLIGHT} in flight; the broker is flushed between rows. Same job (data, options, UUID id) in every row.`,
        'REST round trips are counted by the REST server over both phases; the edge rows must show exactly 1.00. Queue.add talks RESP over TCP, so it has none.',
        'enqueueJob() in Node isolates the REST protocol cost (JSON/base64, HTTP) from workerd; the Miniflare row adds workerd and the Hono app (auth, zod validation); wrangler dev adds its proxy worker on top.',
        'The REST server runs in its own process; client, REST server, redis-server and workerd share the same 2 cores.',
      ],
    };
  } finally {
    await Promise.allSettled(enqueuers.map((enqueuer) => enqueuer.close()));
    for (const stop of stops.reverse()) await stop();
  }
}

export const enqueueSuite: Suite = { id: 'enqueue', title: 'Enqueue one job: edge (workerd → REST → Redis) vs Queue.add', run };
