/**
 * @module test/worker/measure/processor-cpu
 * CPU per job of the processor itself, in-process and without I/O: a fake fetcher answers a
 * fixed page, the result store and callbacks are in memory, so what is measured is parsing the
 * job data, the pipeline stages, extraction and the effects. Ten jobs at a time, as a worker at
 * concurrency 10. For comparing two checkouts, run it in each, alternately.
 * Run: `node test/worker/measure/processor-cpu.ts [jobsPerBlock=10000] [blocks=8]`.
 */
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import type { Job } from 'bullmq';
import { jobRequestSchema } from '../../../shared/job-schema.ts';
import type { JobResult } from '../../../shared/job-result.ts';
import type { PageRenderer } from '../../../worker/src/browser/page-renderer.ts';
import { createWorkerEffects } from '../../../worker/src/effects/index.ts';
import type { FetchedPage, HttpFetcher } from '../../../worker/src/http/http-fetcher.ts';
import { createJobPipeline } from '../../../worker/src/pipeline/job-pipeline.ts';
import { createOutputs } from '../../../worker/src/pipeline/outputs/index.ts';
import { createProcessor } from '../../../worker/src/processor.ts';
import { renderPage } from '../../support/test-site-pages.ts';

const perBlock = Number(process.argv[2] ?? 10_000);
const blocks = Number(process.argv[3] ?? 8);
const TINY = '<html><head><title>t</title></head><body><h1>x</h1><span class="price">1</span><ul class="links"><a href="/a">a</a></ul></body></html>';

function processorFor(html: string) {
  const fetched: FetchedPage = {
    url: 'http://127.0.0.2/page/1', finalUrl: 'http://127.0.0.2/page/1', status: 200, contentType: 'text/html; charset=utf-8',
    headers: { 'content-type': 'text/html; charset=utf-8' }, html, bytes: html.length, redirects: 0,
  };
  const fetcher: HttpFetcher = { fetch: async () => ({ ...fetched }) };
  const renderer: PageRenderer = { render: async () => { throw new Error('http jobs only'); } };
  const stored = new Map<string, JobResult>();
  const resultStore = { put: async (id: string, result: JobResult) => void stored.set(id, result), get: async () => null, ttl: async () => -2 };
  const callbacks = { enqueue: async () => undefined, close: async () => undefined };
  // No job has a batch, so the batch effect never touches its broker.
  const effects = createWorkerEffects({ resultStore, broker: {} as Redis, prefix: '{measure}', callbacks });
  return createProcessor({
    pipeline: createJobPipeline({ fetcher, renderer, effects, outputs: createOutputs({ maxResultBytes: 1 << 20 }) }),
    logger: pino({ level: 'silent' }), handBack: new AbortController().signal, handBackJob: async () => undefined,
  });
}

const request = jobRequestSchema.parse({ url: 'http://127.0.0.2/page/1', extract: { h1: 'h1', price: '.price', 'links[]': { selector: 'ul.links a', attr: 'href' } } });
let n = 0;
async function block(processJob: ReturnType<typeof processorFor>, count: number): Promise<number> {
  const jobs = Array.from({ length: count }, () => ({ id: `j${n++}`, name: 'http', data: { request, acceptedAt: 0 }, attemptsMade: 0, attemptsStarted: 1, opts: { attempts: 1 } }) as unknown as Job);
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i += 10) await Promise.all(jobs.slice(i, i + 10).map((job) => processJob(job)));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / count;
}

for (const [label, html] of [['~20 KB test page', renderPage(7)], ['134 B page', TINY]] as const) {
  const processJob = processorFor(html);
  await block(processJob, 2_000); // warm-up
  const figures: number[] = [];
  for (let i = 0; i < blocks; i++) figures.push(await block(processJob, perBlock));
  const median = [...figures].sort((a, b) => a - b)[Math.floor(figures.length / 2)]!;
  console.log(`${label}: ${(median * 1000).toFixed(1)} µs CPU per job (median of ${blocks} × ${perBlock}; ${figures.map((f) => (f * 1000).toFixed(0)).join(' ')})`);
}
