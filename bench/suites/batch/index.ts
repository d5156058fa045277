/**
 * @module bench/suites/batch
 * Issue 4's batch figure: 10,000 jobs through `POST /v1/batches` on the edge in workerd
 * (Miniflare, and `wrangler dev`) → REST server → redis-server, one `/pipeline` round trip per
 * 1,000 jobs, against BullMQ's `Queue.addBulk` over ioredis in one call; wall time and the REST
 * round trips the batch used, counted at the REST server.
 */
import { Queue } from 'bullmq';
import { benchRedis } from '../../setup/redis-client.ts';
import { QUEUE_NAME, queueKeys } from '../../../shared/keys.ts';
import { runInterleaved, type Contender } from '../../core/repeat.ts';
import type { ColumnSpec, Suite, SuiteContext, SuiteOutput } from '../../core/suite.ts';
import { startEdgeBenchStack } from '../../setup/edge-stack.ts';
import { ensureBenchPackages } from '../../setup/system-packages.ts';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import { edgeEquivalentJob, HTTP_EXTRACT } from '../../workload/pages.ts';

const PREFIX = '{bench}';
const COLUMNS: ColumnSpec[] = [
  { key: 'wallMs', label: 'wall ms', better: 'lower', digits: 0 },
  { key: 'jobsPerSecond', label: 'jobs/s', better: 'higher', digits: 0 },
  { key: 'restRoundTrips', label: 'REST round trips', better: 'none', digits: 0, ratio: false },
];

const jobUrl = (i: number) => `http://127.0.0.${2 + (i % 4)}:8080/page/${i + 1}`;

async function run(ctx: SuiteContext): Promise<SuiteOutput> {
  ensureBenchPackages({}, ctx.log);
  const count = 10_000;
  const stops: Array<() => Promise<void>> = [];
  try {
    const { redis, rest, apiKey, miniflareUrl, wranglerUrl, stop } = await startEdgeBenchStack(ctx, PREFIX);
    stops.push(stop);
    const admin = benchRedis(redis.url);
    stops.push(async () => void admin.disconnect());
    const queue = new Queue(QUEUE_NAME, { connection: benchRedis(redis.url, { maxRetriesPerRequest: null }), prefix: PREFIX });
    stops.push(() => queue.close());
    const waitKey = queueKeys(PREFIX).key('wait');
    const urls = Array.from({ length: count }, (_, i) => jobUrl(i));

    const timed = (id: string, label: string, viaRest: boolean, enqueue: () => Promise<void>): Contender => ({
      id, label,
      async measure() {
        await admin.flushall();
        await rest.resetStats();
        const started = performance.now();
        await enqueue();
        const wallMs = performance.now() - started;
        const stored = await admin.llen(waitKey);
        const stats = await rest.stats();
        return {
          figures: { wallMs, jobsPerSecond: count / (wallMs / 1000), restRoundTrips: viaRest ? stats.requests : null },
          notes: stored === count ? [] : [`${stored} jobs stored for ${count}`],
        };
      },
    });
    const edgeBatch = (baseUrl: string) => async () => {
      const response = await fetch(`${baseUrl}/v1/batches`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ urls, defaults: { extract: HTTP_EXTRACT } }),
      });
      if (response.status !== 202) throw new Error(`POST /v1/batches answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      await response.arrayBuffer();
    };
    const rows = await runInterleaved(ctx, [
      timed('add-bulk', 'Queue.addBulk over ioredis (TCP), one call', false, async () => {
        const acceptedAt = Date.now();
        await queue.addBulk(urls.map((url) => edgeEquivalentJob(jobRequestSchema.parse({ url, extract: HTTP_EXTRACT }), acceptedAt)));
      }),
      timed('edge-miniflare', 'POST /v1/batches, edge in workerd (Miniflare)', true, edgeBatch(miniflareUrl)),
      timed('edge-wrangler-dev', 'POST /v1/batches, edge under wrangler dev', true, edgeBatch(wranglerUrl)),
    ]);
    return {
      baseline: 'add-bulk', columns: COLUMNS, rows, params: { jobs: count, repeats: ctx.repeats },
      notes: [
        'One request of 10,000 URLs (validated item by item, all-or-nothing); the edge enqueues them with BullMQ\'s own add-job script in /pipeline chunks of 1,000, plus SCRIPT LOAD per chunk and the batch record in the first chunk.',
        'Queue.addBulk pipelines the same scripts over TCP in one call (not atomic either). The broker is flushed between rows.',
      ],
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

export const batchSuite: Suite = { id: 'batch', title: 'Batch of 10,000 jobs: POST /v1/batches vs Queue.addBulk', run };
