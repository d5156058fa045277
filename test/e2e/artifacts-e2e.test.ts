/**
 * Screenshots and oversized results end to end, with real processes: the edge under wrangler
 * dev, a worker with Chromium, the local S3 server, redis-servers. A browser job's screenshot is
 * stored by the worker and `GET /v1/jobs/:id` hands its tenant a short-lived signed URL that
 * downloads it; the URL stops working once it expires (a new GET signs a new one); another
 * tenant gets no view of the job at all. A result over the inline threshold comes back as a stub
 * whose `result.json` URL downloads the whole result. A screenshot action's PNG is stored and
 * signed the same way. A batch's export is written by the worker
 * when the batch finished and linked from the batch view.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local/local-stack.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import type { JobResult } from '../../shared/job-result.ts';
import { imageSize } from '../formats/image-size.ts';
import { QUALITY_MARKDOWN } from '../support/format-pages.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';

const keyA = `art-a-${randomBytes(12).toString('hex')}`;
const keyB = `art-b-${randomBytes(12).toString('hex')}`;
let site: TestSite;
let stack: LocalStack;

beforeAll(async () => {
  site = await startTestSite({ hosts: ['127.0.0.2'] });
  const token = randomBytes(16).toString('hex');
  stack = await startLocalStack({
    prefix: `{quarry-art-${randomBytes(3).toString('hex')}}`,
    devVars: { UPSTASH_REDIS_REST_TOKEN: token, RESULT_UPSTASH_REDIS_REST_TOKEN: token, API_KEYS: `${keyA}@tenant-a,${keyB}@tenant-b` },
    workers: 1,
    edgeVars: { QUARRY_ARTIFACT_URL_TTL_SECONDS: '3' },
    workerEnv: {
      QUARRY_ALLOW_PRIVATE_CIDRS: '127.0.0.2/32', LOG_LEVEL: 'warn', QUARRY_HEALTH_PORT: '0',
      QUARRY_DOMAIN_RATES: 'none', QUARRY_DOMAIN_CONCURRENCY: '0', QUARRY_RESULT_INLINE_MAX_BYTES: '2048',
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await site?.close();
});

interface View { id: string; status: string; error?: string; result?: JobResult }

const api = (path: string, key: string, body?: unknown) => fetch(stack.edge!.url + path, {
  method: body === undefined ? 'GET' : 'POST',
  headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

async function submit(body: unknown): Promise<string> {
  const response = await api('/v1/jobs', keyA, body);
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** Polls until the job finished with its result (or failed). */
function finished(id: string): Promise<View> {
  return waitFor(async () => {
    const view = (await (await api(`/v1/jobs/${id}`, keyA)).json()) as View;
    return view.status === 'failed' || view.result ? view : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200, description: `job ${id} to finish` });
}

describe('artifacts and exports through the edge and a worker', () => {
  it('signs a screenshot URL for the job\'s tenant that downloads the PNG, expires, and is never given to another tenant', async () => {
    const id = await submit({ url: site.url('127.0.0.2', '/docs/guide/?page=quality'), mode: 'browser', formats: ['markdown', { type: 'screenshot', viewport: { width: 320, height: 240 } }] });
    const view = await finished(id);
    expect(view.status, view.error).toBe('completed');
    expect(view.result!.markdown).toBe(QUALITY_MARKDOWN.replaceAll('http://127.0.0.2:8080', site.origin('127.0.0.2')));
    const [shot] = view.result!.artifacts!;
    expect(shot).toMatchObject({ name: 'screenshot.png', type: 'screenshot', contentType: 'image/png' });
    expect(shot!.key.startsWith(`${id.split('.')[0]}/${id}/`)).toBe(true);

    const download = await fetch(shot!.url!);
    expect(download.status).toBe(200);
    expect(imageSize(new Uint8Array(await download.arrayBuffer()))).toEqual({ type: 'png', width: 320, height: 240 });

    // Another tenant: the same 404 as an unknown job, so no URL and no key.
    const other = await api(`/v1/jobs/${id}`, keyB);
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain(shot!.key);

    // The URL lives QUARRY_ARTIFACT_URL_TTL_SECONDS (3 s here); then the store refuses it.
    const refused = await waitFor(async () => {
      const response = await fetch(shot!.url!);
      return response.status === 200 ? (await response.body?.cancel(), undefined) : response;
    }, { timeoutMs: 15_000, intervalMs: 250, description: 'the signed URL to expire' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('expired');
    // A new read signs a new URL.
    const again = (await (await api(`/v1/jobs/${id}`, keyA)).json()) as View;
    expect((await fetch(again.result!.artifacts![0]!.url!)).status).toBe(200);
  });

  it('stores a screenshot action\'s PNG (assets loaded), names it in result.actions and signs its URL', async () => {
    site.clearLog();
    const id = await submit({ url: site.url('127.0.0.2', '/docs/guide/?page=quality'), mode: 'browser', actions: [{ type: 'scroll', direction: 'down' }, { type: 'screenshot' }] });
    const view = await finished(id);
    expect(view.status, view.error).toBe('completed');
    expect(view.result!.actions!.screenshots).toEqual(['action-1.png']);
    const [shot] = view.result!.artifacts!;
    expect(shot).toMatchObject({ name: 'action-1.png', type: 'screenshot', contentType: 'image/png' });
    const download = await fetch(shot!.url!);
    expect(download.status).toBe(200);
    expect(imageSize(new Uint8Array(await download.arrayBuffer()))).toEqual({ type: 'png', width: 800, height: 600 });
    // The page's image was loaded for the capture (a browser job blocks images otherwise).
    expect(site.log.some((entry) => entry.path === '/docs/guide/img/arch.png')).toBe(true);
  });

  it('a result over the inline threshold is a stub whose signed result.json holds the whole result', async () => {
    const id = await submit({ url: site.url('127.0.0.2', '/docs/guide/?page=quality'), formats: ['markdown', 'rawHtml'] });
    const view = await finished(id);
    expect(view.status, view.error).toBe('completed');
    expect(view.result).toMatchObject({ title: 'Guide', extract: {}, offloaded: ['extract', 'markdown', 'rawHtml'] });
    const ref = view.result!.artifacts!.find((artifact) => artifact.name === 'result.json')!;
    const full = (await (await fetch(ref.url!)).json()) as JobResult;
    expect(full.markdown).toBe(QUALITY_MARKDOWN.replaceAll('http://127.0.0.2:8080', site.origin('127.0.0.2')));
    expect(full.rawHtml).toContain('<table>');
  });

  it('a batch with an export: written once by the workers when it finished, linked from the batch view; the same rows stream from /results', async () => {
    const urls = [1, 2, 3].map((n) => site.url('127.0.0.2', `/page/${n}`));
    const created = await api('/v1/batches', keyA, { urls, defaults: { extract: { h1: 'h1' } }, export: { format: 'csv' } });
    expect(created.status).toBe(202);
    const { batchId } = (await created.json()) as { batchId: string };
    const view = await waitFor(async () => {
      const batch = (await (await api(`/v1/batches/${batchId}`, keyA)).json()) as { state: string; export: { state: string; rows?: number; attempts: number; downloadUrl?: string; error?: string } };
      return batch.export.state === 'written' || batch.export.state === 'failed' ? batch : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, description: 'the batch export to be written' });
    expect(view.export, view.export.error).toMatchObject({ state: 'written', rows: 3, attempts: 1 });
    expect(view.state).toBe('finished');
    const file = await (await fetch(view.export.downloadUrl!)).text();
    const rows = file.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('index,jobId,url,finalUrl,httpStatus,title,fetchedAt,durationMs,mode,attempt,extract.h1');
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(['0', '1', '2']);
    expect(rows[1]).toContain(',Product 1');
    // The download route gives the same rows.
    const streamed = await (await api(`/v1/batches/${batchId}/results?format=csv`, keyA)).text();
    expect(streamed.split('\r\n').filter(Boolean).map((row) => row.split(',').slice(0, 3).join(','))).toEqual(rows.map((row) => row.split(',').slice(0, 3).join(',')));
  });
});
