/**
 * Signed artifact URLs, minted inside workerd: GET /v1/jobs/:id gives each artifact of the
 * caller's job a short-lived presigned URL that downloads it from the (private) store; another
 * tenant gets no job view, a URL edited to name another object or signed too long ago is
 * refused by the store, and a result cannot make the edge sign anything outside its own job.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { artifactKey } from '../../shared/artifacts/artifact-keys.ts';
import { createArtifactStore } from '../../shared/artifacts/artifact-store.ts';
import { S3Client } from '../../shared/artifacts/s3-client.ts';
import type { JobResult } from '../../shared/job-result.ts';
import { resultKey } from '../../shared/keys.ts';
import { edgeHarness, testKeys } from './edge-harness.ts';

const vars = () => inject('artifactVars');
const driver = () => ({ driver: 'local' as const, endpoint: vars().QUARRY_ARTIFACT_ENDPOINT!, bucket: vars().QUARRY_ARTIFACT_BUCKET!, accessKeyId: vars().QUARRY_ARTIFACT_ACCESS_KEY_ID!, secretAccessKey: vars().QUARRY_ARTIFACT_SECRET_ACCESS_KEY! });

async function jobWithArtifacts(edge: ReturnType<typeof edgeHarness>, apiKey: string) {
  const created = await edge.request('POST', '/v1/jobs', { body: { url: `https://example.com/${crypto.randomUUID()}`, mode: 'browser', formats: [{ type: 'screenshot' }] }, auth: apiKey });
  const { id } = await created.json<{ id: string }>();
  const store = createArtifactStore(driver(), { maxBytes: 1024 * 1024 });
  const png = crypto.getRandomValues(new Uint8Array(2048));
  const info = await store.put(artifactKey(id, 'screenshot.png'), png, 'image/png', 3600);
  const result: JobResult = {
    url: 'https://example.com/', finalUrl: 'https://example.com/', httpStatus: 200, title: null, extract: {}, fetchedAt: new Date().toISOString(), durationMs: 1, mode: 'browser', attempt: 1,
    artifacts: [
      { name: 'screenshot.png', type: 'screenshot', contentType: 'image/png', bytes: png.length, key: info.key },
      // A key outside the job: the edge must not sign it.
      { name: 'other.png', type: 'screenshot', contentType: 'image/png', bytes: 1, key: artifactKey('bbbbbbbbbbbb.someone-else', 'other.png') },
    ],
  };
  await edge.results.set(resultKey(edge.prefix, id), JSON.stringify(result));
  return { id, png, key: info.key };
}

describe('artifact URLs', () => {
  it('GET /v1/jobs/:id signs a URL that downloads the artifact, for the job\'s own tenant only', async () => {
    const edge = edgeHarness(vars() as Partial<Env>);
    const { a1, a2, b } = testKeys();
    const { id, png } = await jobWithArtifacts(edge, a1);

    const view = await (await edge.request('GET', `/v1/jobs/${id}`, { auth: a2 })).json<{ result: JobResult }>();
    const [shot, other] = view.result.artifacts!;
    expect(shot!.url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(Date.parse(shot!.urlExpiresAt!) - Date.now()).toBeGreaterThan(800_000);
    expect(other!.url).toBeUndefined();

    const download = await fetch(shot!.url!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(png);

    expect((await edge.request('GET', `/v1/jobs/${id}`, { auth: b })).status).toBe(404);
  });

  it('the store refuses a URL edited to another tenant\'s object, an expired one, and an unsigned one', async () => {
    const edge = edgeHarness(vars() as Partial<Env>);
    const { a1, b } = testKeys();
    const mine = await jobWithArtifacts(edge, a1);
    const theirs = await jobWithArtifacts(edge, b);
    const view = await (await edge.request('GET', `/v1/jobs/${mine.id}`, { auth: a1 })).json<{ result: JobResult }>();
    const url = view.result.artifacts![0]!.url!;

    const forged = url.replace(mine.key.split('/').map(encodeURIComponent).join('/'), theirs.key.split('/').map(encodeURIComponent).join('/'));
    expect(forged).not.toBe(url);
    const refused = await fetch(forged);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('SignatureDoesNotMatch');

    const client = new S3Client({ endpoint: driver().endpoint, bucket: driver().bucket, region: 'us-east-1', accessKeyId: driver().accessKeyId, secretAccessKey: driver().secretAccessKey });
    const expired = await fetch(await client.presignGet(mine.key, 60, new Date(Date.now() - 2 * 3600_000)));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
    expect((await fetch(client.objectUrl(mine.key))).status).toBe(403);
  });
});
