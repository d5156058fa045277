/**
 * The CLI against a real edge (wrangler dev, Redis behind the REST servers, no workers, so
 * jobs stay waiting): enqueue creates a batch, batch/status read it back, errors exit 2.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local/local-stack.ts';
import { run } from './capture-io.ts';

const apiKey = `cli-${randomBytes(12).toString('hex')}`;
let stack: LocalStack;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  const token = randomBytes(16).toString('hex');
  stack = await startLocalStack({
    prefix: `{quarry-cli-${randomBytes(3).toString('hex')}}`,
    devVars: { UPSTASH_REDIS_REST_TOKEN: token, RESULT_UPSTASH_REDIS_REST_TOKEN: token, API_KEYS: apiKey },
    workers: 0,
  });
  env = { QUARRY_URL: stack.edge!.url, QUARRY_API_KEY: apiKey };
  dir = mkdtempSync(join(tmpdir(), 'quarry-cli-'));
}, 60_000);

afterAll(async () => {
  const secrets = stack?.edge?.envFile;
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  // The edge's copy of the secrets (written from devVars) is gone with the edge.
  if (secrets) expect(existsSync(secrets)).toBe(false);
});

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('quarry CLI against a local edge', () => {
  it('enqueues a 3-URL file as one batch, idempotently, and reads it back', async () => {
    const urls = file('urls.txt', '# three pages\nhttps://shop.example/1\n\nhttps://shop.example/2\nhttps://shop.example/3  # last\n');
    const args = ['enqueue', urls, '--extract', 'title=h1', '--idempotency-key', `cli-${randomBytes(4).toString('hex')}`];
    const first = await run(args, { env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const batchId = /^batch (\S+): 3 jobs enqueued\n$/.exec(first.stdout)?.[1];
    expect(batchId, first.stdout).toBeDefined();

    const again = await run(args, { env });
    expect(again.stdout).toBe(`batch ${batchId}: 0 jobs enqueued, 3 deduplicated\n`);

    const batch = await run(['batch', batchId!, '--json'], { env });
    expect(batch.code).toBe(0);
    expect(JSON.parse(batch.stdout)).toMatchObject({ batchId, total: 3, completed: 0, failed: 0, pending: 3, state: 'running' });
  });

  it('prints a waiting job, pretty and as JSON', async () => {
    const enqueued = await run(['enqueue', '-', '--json'], { env, stdin: 'https://shop.example/solo\n' });
    const jobId = (JSON.parse(enqueued.stdout) as { batches: { jobs: { id: string }[] }[] }).batches[0]!.jobs[0]!.id;

    const pretty = await run(['status', jobId], { env });
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toContain(`job       ${jobId}\nstatus    waiting\n`);
    const json = await run(['status', jobId, '--json', '--wait', '0.2'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ id: jobId, status: 'waiting', attempts: { made: 0 } });
  });

  it('names the missing key, and rejects a bad URL by line and index with exit 2', async () => {
    const missing = await run(['batch', 'b-x'], { env: { QUARRY_URL: env.QUARRY_URL! } });
    expect(missing).toMatchObject({ code: 2, stderr: 'error: no API key: pass --api-key <key> or set the QUARRY_API_KEY environment variable\n' });

    const bad = await run(['enqueue', file('bad.txt', 'https://shop.example/ok\nshop.example/no-scheme\n')], { env });
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('error: 1 of 2 items is invalid, nothing was enqueued:\n  line 2 (index 1): url: must be an absolute http:// or https:// URL\n');

    const wrongKey = await run(['status', 'no-such-job', '--api-key', 'wrong'], { env });
    expect(wrongKey).toMatchObject({ code: 2, stderr: 'error: The API key is not valid: check the key you send in "Authorization: Bearer <key>".\n' });
  });
});
