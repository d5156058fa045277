/**
 * The formats as the job pipeline runs them, with real parts: the fetcher and Chromium on the
 * local site's format pages (tables, code, relative links, a page rendered by a script), the
 * registered outputs, and the artifacts and result effects on the local S3 server and
 * redis-server. Each format is checked against the expected output in both modes; screenshots
 * are valid PNG/JPEG of the asked size, PDFs start with %PDF, files are stored under the job's
 * tenant-scoped keys, and a result over the inline threshold becomes a stub pointing at it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArtifactServer, type ArtifactServer } from '../../dev/local/artifact-server.ts';
import { artifactKey } from '../../shared/artifacts/artifact-keys.ts';
import type { JobRequestInput } from '../../shared/job-schema.ts';
import { jobResultSchema, type JobResult } from '../../shared/job-result.ts';
import { resultKey } from '../../shared/keys.ts';
import { offloadedRef } from '../../shared/result-offload.ts';
import { workerArtifacts, type WorkerArtifacts } from '../../worker/src/artifacts/index.ts';
import { createBrowserPool, type BrowserPool } from '../../worker/src/browser/browser-pool.ts';
import { createPageRenderer } from '../../worker/src/browser/page-renderer.ts';
import { artifactsEffect } from '../../worker/src/effects/artifacts-effect.ts';
import { runEffects } from '../../worker/src/effects/index.ts';
import { resultEffect } from '../../worker/src/effects/result-effect.ts';
import { createHttpFetcher } from '../../worker/src/http/http-fetcher.ts';
import { createJobPipeline } from '../../worker/src/pipeline/job-pipeline.ts';
import { createOutputs } from '../../worker/src/pipeline/outputs/index.ts';
import { createResultStore, type ResultStore } from '../../worker/src/result-store.ts';
import { ARTICLE_PAGE, LINKS_EXPECTED, QUALITY_MARKDOWN } from '../support/format-pages.ts';
import { HOST_A, startHarness, type Harness } from '../worker/harness.ts';
import { testContext } from '../worker/pipeline/context.ts';
import { imageSize } from './image-size.ts';

let h: Harness;
let pool: BrowserPool;
let store: ResultStore;
let server: ArtifactServer;
let artifacts: WorkerArtifacts;
/** Where format-pages.ts pretends its pages live, and where the site serves them. */
const PRETEND = 'http://127.0.0.2:8080';
let origin: string;

beforeAll(async () => {
  h = await startHarness();
  origin = h.site.origin(HOST_A);
  pool = createBrowserPool({ executablePath: h.config.browserExecutablePath, maxPages: 1 });
  store = createResultStore({ client: h.resultClient, prefix: h.prefix, ttlSeconds: 60 });
  server = await startArtifactServer();
  artifacts = workerArtifacts({
    ...h.config, artifactDriver: 'local', artifactEndpoint: server.endpoint, artifactBucket: server.bucket,
    artifactAccessKeyId: server.accessKeyId, artifactSecretAccessKey: server.secretAccessKey, artifactTtlSeconds: 60,
  }, h.resultClient)!;
});
afterAll(async () => {
  await pool?.close();
  await server?.close();
  await h?.close();
});

const fetcher = createHttpFetcher({ userAgent: 'QuarryTest/1', maxBodyBytes: 1024 * 1024, maxRedirects: 5 });

/** One renderer for the pool: the per-page request hooks it installs belong to it. */
let renderer: ReturnType<typeof createPageRenderer>;

function pipeline(inlineMaxBytes = 128 * 1024) {
  const result = resultEffect(store);
  renderer ??= createPageRenderer({ pool, maxRedirects: 5 });
  return createJobPipeline({
    fetcher, renderer, outputs: createOutputs(),
    effects: runEffects([artifactsEffect({ artifacts, inlineMaxBytes }), result], (jobId) => result.recall(jobId)),
  });
}

const pageUrl = (name: string) => h.site.url(HOST_A, `/docs/guide/?page=${name}`);
const here = (text: string) => text.replaceAll(PRETEND, origin);
let jobs = 0;
/** A tagged job id (tenant tag `0123456789ab`), as the edge issues them. */
const nextJobId = () => `0123456789ab.fmt-${++jobs}-${Date.now()}`;

async function runJob(request: JobRequestInput, inlineMaxBytes?: number): Promise<{ jobId: string; result: JobResult }> {
  const jobId = nextJobId();
  const result = await pipeline(inlineMaxBytes)(testContext(request, { jobId }));
  return { jobId, result };
}

describe('formats through the pipeline, http mode', () => {
  it('markdown, html, rawHtml, links and metadata of the fetched page, stored as the result', async () => {
    const { jobId, result } = await runJob({ url: pageUrl('quality'), formats: ['markdown', 'html', 'rawHtml', 'links', 'metadata'] });
    expect(result.markdown).toBe(here(QUALITY_MARKDOWN));
    expect(result.html).not.toMatch(/<script|<style/);
    expect(result.html).toContain(`<img src="${origin}/docs/guide/img/arch.png" alt="Architecture diagram">`);
    expect(result.rawHtml).toContain('<script>var tracking = 1;</script>');
    expect(result.links).toEqual([`${origin}/`, `${origin}/docs/api/`, `${origin}/docs/api/jobs.html`, 'https://other.example/x', `${origin}/two`, `${origin}/related`]);
    expect(result.metadata).toMatchObject({
      title: 'Guide', description: 'A guide to "Quarry"', language: 'en', statusCode: 200,
      contentType: 'text/html; charset=utf-8', finalUrl: pageUrl('quality'), fetchedAt: result.fetchedAt,
    });
    // Title and extract stay as they were, next to the formats.
    expect(Object.keys(result)).toEqual(['url', 'finalUrl', 'httpStatus', 'title', 'extract', 'markdown', 'html', 'rawHtml', 'links', 'metadata', 'fetchedAt', 'durationMs', 'mode', 'attempt']);
    expect(result.title).toBe('Guide');
    expect(await store.get(jobId)).toEqual(result);
  });

  it('links of a page with <base href>, and metadata of an article', async () => {
    expect((await runJob({ url: pageUrl('links'), formats: ['links'] })).result.links).toEqual(LINKS_EXPECTED.map(here));
    const { result } = await runJob({ url: pageUrl('article'), formats: ['metadata'] });
    expect(result.metadata).toMatchObject({ title: 'Rivers rise | Daily', language: 'en-GB', canonical: `${origin}/news/rivers-rise`, robots: 'index, follow', og: { 'og:title': 'Rivers rise' } });
  });

  it('onlyMainContent, includeTags and excludeTags narrow markdown and html, not links', async () => {
    const main = (await runJob({ url: pageUrl('article'), formats: ['markdown', 'links'], onlyMainContent: true })).result;
    expect(main.markdown).toMatch(/^# Rivers rise after storm\n\nBy A. Writer/);
    expect(main.markdown).not.toMatch(/Most read|cookies|Subscribe/);
    expect(main.links).toContain(`${origin}/world`);
    const tags = (await runJob({ url: pageUrl('article'), formats: ['html'], includeTags: ['article'], excludeTags: ['aside', '.share'] })).result;
    expect(tags.html).toMatch(/^<article>/);
    expect(tags.html).not.toMatch(/older flood|Share|Most read/);
    expect(ARTICLE_PAGE).toContain('older flood');
  });

  it('without formats the result keeps exactly the shape it always had', async () => {
    const { result } = await runJob({ url: pageUrl('quality'), extract: { h1: 'h1' } });
    expect(Object.keys(result)).toEqual(['url', 'finalUrl', 'httpStatus', 'title', 'extract', 'fetchedAt', 'durationMs', 'mode', 'attempt']);
    expect(result.extract).toEqual({ h1: 'Installing Quarry' });
  });

  it('a script-rendered page in http mode has only what the server sent', async () => {
    const { result } = await runJob({ url: pageUrl('js'), formats: ['markdown'] });
    expect(result.markdown).toBe('Loading…');
  });
});

describe('formats through the pipeline, browser mode', () => {
  it('converts the rendered DOM: the table, code and links a script inserted', async () => {
    const { result } = await runJob({ url: pageUrl('js'), mode: 'browser', waitFor: '#rendered', formats: ['markdown', 'links', 'rawHtml', 'html', 'metadata'] });
    expect(result.markdown).toBe([
      '# Rendered *by script*', '', '| Key | Value |', '| --- | --- |', '| mode | browser |', '',
      '```js', 'console.log(1 < 2);', '```', '', `See [the API](${origin}/docs/api/).`, '', 'Rendered.',
    ].join('\n'));
    expect(result.links).toEqual([`${origin}/docs/api/`]);
    expect(result.rawHtml).toContain('<td>browser</td>');
    expect(result.html).toContain(`<a href="${origin}/docs/api/">the API</a>`);
    expect(result.html).not.toContain('<script');
    expect(result.metadata).toMatchObject({ title: 'Rendered guide', statusCode: 200, finalUrl: pageUrl('js') });
  });

  it('takes a PNG of the asked viewport, a JPEG with quality, and a PDF, stored under the job\'s tenant-scoped keys', async () => {
    const { jobId, result } = await runJob({
      url: pageUrl('quality'), mode: 'browser', formats: ['markdown', { type: 'screenshot', viewport: { width: 640, height: 480 } }, { type: 'pdf' }],
    });
    expect(result.markdown).toBe(here(QUALITY_MARKDOWN));
    expect(result.artifacts!.map(({ name, type, contentType, key }) => ({ name, type, contentType, key }))).toEqual([
      { name: 'screenshot.png', type: 'screenshot', contentType: 'image/png', key: artifactKey(jobId, 'screenshot.png') },
      { name: 'page.pdf', type: 'pdf', contentType: 'application/pdf', key: artifactKey(jobId, 'page.pdf') },
    ]);
    expect(result.artifacts![0]!.key).toMatch(/^0123456789ab\/0123456789ab\.fmt-/);
    const png = await artifacts.store.get(result.artifacts![0]!.key);
    expect(imageSize(png!.bytes)).toEqual({ type: 'png', width: 640, height: 480 });
    expect(png!.info.bytes).toBe(result.artifacts![0]!.bytes);
    const pdf = await artifacts.store.get(result.artifacts![1]!.key);
    expect(Buffer.from(pdf!.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(await store.get(jobId)).toEqual(result);
    // The expiry index knows both files, so the sweeper deletes them with their result.
    expect(await h.resultClient.zcard(`${h.prefix}:artifacts:expiry`)).toBeGreaterThanOrEqual(2);

    // The pooled page got its own viewport back: a later screenshot without one is 800 × 600.
    const { result: plain } = await runJob({ url: pageUrl('quality'), mode: 'browser', formats: [{ type: 'screenshot' }] });
    expect(imageSize((await artifacts.store.get(plain.artifacts![0]!.key))!.bytes)).toEqual({ type: 'png', width: 800, height: 600 });
  });

  it('a JPEG with quality, and a full-page capture as tall as the page', async () => {
    const { result } = await runJob({
      url: pageUrl('tall'), mode: 'browser', formats: [{ type: 'screenshot', fullPage: true, quality: 70, viewport: { width: 400, height: 300 } }],
    });
    expect(result.artifacts![0]).toMatchObject({ name: 'screenshot.jpeg', contentType: 'image/jpeg' });
    expect(imageSize((await artifacts.store.get(result.artifacts![0]!.key))!.bytes)).toEqual({ type: 'jpeg', width: 400, height: 3000 });
  });

  it('loads images and CSS for captures, a screenshot action\'s too (assets are blocked otherwise)', async () => {
    // `/js/:n` links a stylesheet, a font, an image and a video.
    const assets = () => h.site.log.filter((entry) => /\.(css|png|woff2)$/.test(entry.path)).map((entry) => entry.path).sort();
    h.site.clearLog();
    await runJob({ url: h.site.url(HOST_A, '/js/3'), mode: 'browser', waitFor: '#rendered', formats: [{ type: 'screenshot' }] });
    expect(assets()).toEqual(['/font.woff2', '/image.png', '/style.css']);
    h.site.clearLog();
    await runJob({ url: h.site.url(HOST_A, '/js/3'), mode: 'browser', waitFor: '#rendered', formats: ['markdown'] });
    expect(assets()).toEqual([]);
    // A screenshot action captures the page too: assets load, and the artifacts effect stores its PNG.
    h.site.clearLog();
    const { jobId, result } = await runJob({ url: h.site.url(HOST_A, '/js/3'), mode: 'browser', waitFor: '#rendered', actions: [{ type: 'screenshot' }] });
    expect(assets()).toEqual(['/font.woff2', '/image.png', '/style.css']);
    expect(result.actions!.screenshots).toEqual(['action-0.png']);
    expect(result.artifacts!.map(({ name, type, key }) => ({ name, type, key }))).toEqual([{ name: 'action-0.png', type: 'screenshot', key: artifactKey(jobId, 'action-0.png') }]);
    expect(imageSize((await artifacts.store.get(result.artifacts![0]!.key))!.bytes)).toEqual({ type: 'png', width: 800, height: 600 });
    // A job's own blockResources wins: it said what it does not want loaded.
    h.site.clearLog();
    await runJob({ url: h.site.url(HOST_A, '/js/3'), mode: 'browser', waitFor: '#rendered', blockResources: ['image'], formats: [{ type: 'screenshot' }] });
    expect(assets()).toEqual(['/font.woff2', '/style.css']);
  });
});

describe('results over the inline threshold', () => {
  it('go to the artifact store as result.json, and the result store keeps a stub that names them', async () => {
    const { jobId, result } = await runJob({ url: pageUrl('quality'), formats: ['markdown', 'rawHtml', 'links'], extract: { h1: 'h1' } }, 1024);
    expect(result.offloaded).toEqual(['extract', 'markdown', 'rawHtml', 'links']);
    expect(result).toMatchObject({ title: 'Guide', extract: {}, httpStatus: 200 });
    expect(result.markdown).toBeUndefined();
    const ref = offloadedRef(result)!;
    expect(ref).toMatchObject({ name: 'result.json', type: 'result', contentType: 'application/json', key: artifactKey(jobId, 'result.json') });
    const full = jobResultSchema.parse(JSON.parse(Buffer.from((await artifacts.store.get(ref.key))!.bytes).toString('utf8')));
    expect(full.markdown).toBe(here(QUALITY_MARKDOWN));
    expect(full.extract).toEqual({ h1: 'Installing Quarry' });
    expect(full.offloaded).toBeUndefined();
    const stored = await h.resultClient.get(resultKey(h.prefix, jobId));
    expect(JSON.parse(stored!)).toEqual(result);
    expect(Buffer.byteLength(stored!)).toBeLessThan(1024);
  });
});
