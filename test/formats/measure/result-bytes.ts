/**
 * @module test/formats/measure/result-bytes
 * What one stored result costs the result-store Redis (`MEMORY USAGE` of its key) with and
 * without the inline threshold: each page and set of formats runs through the real pipeline
 * (fetcher, outputs, artifacts and result effects, the local S3 server) twice, once with
 * QUARRY_RESULT_INLINE_MAX_BYTES out of reach (everything in Redis, as before the artifact
 * store) and once at its default (128 KiB). Run: `node test/formats/measure/result-bytes.ts`.
 */
import { startArtifactServer } from '../../../dev/local/artifact-server.ts';
import type { JobRequestInput } from '../../../shared/job-schema.ts';
import { resultKey } from '../../../shared/keys.ts';
import { workerArtifacts } from '../../../worker/src/artifacts/index.ts';
import { createBrowserPool } from '../../../worker/src/browser/browser-pool.ts';
import { createPageRenderer } from '../../../worker/src/browser/page-renderer.ts';
import { artifactsEffect } from '../../../worker/src/effects/artifacts-effect.ts';
import { runEffects } from '../../../worker/src/effects/index.ts';
import { resultEffect } from '../../../worker/src/effects/result-effect.ts';
import { createHttpFetcher } from '../../../worker/src/http/http-fetcher.ts';
import { createJobPipeline } from '../../../worker/src/pipeline/job-pipeline.ts';
import { createOutputs } from '../../../worker/src/pipeline/outputs/index.ts';
import { createResultStore } from '../../../worker/src/result-store.ts';
import { HOST_A, startHarness } from '../../worker/harness.ts';
import { testContext } from '../../worker/pipeline/context.ts';

const h = await startHarness();
const server = await startArtifactServer();
const pool = createBrowserPool({ executablePath: h.config.browserExecutablePath, maxPages: 1 });
const renderer = createPageRenderer({ pool, maxRedirects: 5 });
const store = createResultStore({ client: h.resultClient, prefix: h.prefix, ttlSeconds: 600 });
const artifacts = workerArtifacts({
  ...h.config, artifactDriver: 'local', artifactEndpoint: server.endpoint, artifactBucket: server.bucket,
  artifactAccessKeyId: server.accessKeyId, artifactSecretAccessKey: server.secretAccessKey, artifactTtlSeconds: 600,
}, h.resultClient)!;
const fetcher = createHttpFetcher({ userAgent: 'QuarryMeasure/1', maxBodyBytes: 10 * 1024 * 1024, maxRedirects: 5 });

function pipeline(inlineMaxBytes: number) {
  const result = resultEffect(store);
  return createJobPipeline({
    fetcher, renderer, outputs: createOutputs(),
    effects: runEffects([artifactsEffect({ artifacts, inlineMaxBytes }), result], (jobId) => result.recall(jobId)),
  });
}

const ALL = ['markdown', 'html', 'rawHtml', 'links', 'metadata'] as const;
const cases: Array<{ label: string; request: JobRequestInput }> = [
  { label: '/page/1 (~20 KB), default result', request: { url: h.site.url(HOST_A, '/page/1'), extract: { h1: 'h1' } } },
  { label: '/page/1, markdown', request: { url: h.site.url(HOST_A, '/page/1'), formats: ['markdown'] } },
  { label: '/page/1, all five page formats', request: { url: h.site.url(HOST_A, '/page/1'), formats: [...ALL] } },
  { label: 'long doc (~160 KB), markdown', request: { url: h.site.url(HOST_A, '/docs/guide/?page=long'), formats: ['markdown'] } },
  { label: 'long doc, all five page formats', request: { url: h.site.url(HOST_A, '/docs/guide/?page=long'), formats: [...ALL] } },
  { label: '/js/1, screenshot + pdf (browser)', request: { url: h.site.url(HOST_A, '/js/1'), mode: 'browser', waitFor: '#rendered', formats: [{ type: 'screenshot' }, { type: 'pdf' }] } },
];

let n = 0;
async function measure(request: JobRequestInput, inlineMaxBytes: number) {
  const jobId = `0123456789ab.measure-${++n}`;
  const result = await pipeline(inlineMaxBytes)(testContext(request, { jobId }));
  const key = resultKey(h.prefix, jobId);
  const memory = Number(await h.resultClient.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  const stored = result.artifacts?.reduce((sum, artifact) => sum + artifact.bytes, 0) ?? 0;
  return { memory, stored, offloaded: result.offloaded !== undefined };
}

const rows = ['| result | Redis before (all inline) | Redis after (128 KiB threshold) | artifact store after |', '|---|---:|---:|---:|'];
for (const { label, request } of cases) {
  const before = await measure(request, 512 * 1024 * 1024);
  const after = await measure(request, 128 * 1024);
  const kb = (bytes: number) => (bytes >= 10_240 ? `${(bytes / 1024).toFixed(0)} KiB` : `${bytes} B`);
  rows.push(`| ${label} | ${kb(before.memory)} | ${kb(after.memory)}${after.offloaded ? ' (stub)' : ''} | ${after.stored ? kb(after.stored) : '—'} |`);
}
console.log(rows.join('\n'));
await pool.close();
await server.close();
await h.close();
