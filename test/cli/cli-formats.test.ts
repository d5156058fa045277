/**
 * `quarry scrape` and `quarry results` against a local stack (edge on wrangler dev, one worker,
 * the artifact store, the test site): scrape prints a page's markdown, links one per line, and
 * saves a screenshot; results downloads a batch's CSV and JSON Lines through a proxy that cuts
 * the first download mid-row, resumes after the last whole row, and writes exactly what one
 * unbroken download gives (one header, no duplicate, no missing row).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local/local-stack.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { imageSize } from '../formats/image-size.ts';
import { LINKS_EXPECTED, QUALITY_MARKDOWN } from '../support/format-pages.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';
import { run } from './capture-io.ts';

const apiKey = `cli-f-${randomBytes(12).toString('hex')}`;
let site: TestSite;
let stack: LocalStack;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  site = await startTestSite({ hosts: ['127.0.0.2'] });
  const token = randomBytes(16).toString('hex');
  stack = await startLocalStack({
    prefix: `{quarry-clif-${randomBytes(3).toString('hex')}}`,
    devVars: { UPSTASH_REDIS_REST_TOKEN: token, RESULT_UPSTASH_REDIS_REST_TOKEN: token, API_KEYS: apiKey },
    workers: 1,
    workerEnv: { QUARRY_ALLOW_PRIVATE_CIDRS: '127.0.0.2/32', LOG_LEVEL: 'warn', QUARRY_HEALTH_PORT: '0', QUARRY_DOMAIN_RATES: 'none', QUARRY_DOMAIN_CONCURRENCY: '0' },
  });
  env = { QUARRY_URL: stack.edge!.url, QUARRY_API_KEY: apiKey };
  dir = mkdtempSync(join(tmpdir(), 'quarry-cli-formats-'));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const origin = () => site.origin('127.0.0.2');

describe('quarry scrape', () => {
  it('prints the markdown of a page as it is', async () => {
    const out = await run(['scrape', site.url('127.0.0.2', '/docs/guide/?page=quality'), '--format', 'markdown'], { env });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`${QUALITY_MARKDOWN.replaceAll('http://127.0.0.2:8080', origin())}\n`.replace(/\n\n$/, '\n'));
  });

  it('prints links one per line', async () => {
    const out = await run(['scrape', site.url('127.0.0.2', '/docs/guide/?page=links'), '--format', 'links'], { env });
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n').filter(Boolean)).toEqual(LINKS_EXPECTED.map((link) => link.replaceAll('http://127.0.0.2:8080', origin())));
  });

  it('saves a screenshot (browser mode implied) as a PNG of the default 800×600 viewport', async () => {
    const out = await run(['scrape', site.url('127.0.0.2', '/docs/guide/?page=quality'), '--format', 'screenshot', '--save', dir], { env });
    expect(out.code, out.stderr).toBe(0);
    const saved = /^saved (\S+) \(\d+ bytes\)$/m.exec(out.stderr)?.[1];
    expect(saved, out.stderr).toBeDefined();
    const png = readFileSync(saved!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(imageSize(png)).toMatchObject({ width: 800, height: 600 });
  }, 60_000);

  it('refuses an unknown format with exit 2 before sending anything', async () => {
    const out = await run(['scrape', 'https://example.com', '--format', 'docx'], { env });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--format must be one of markdown, html, rawHtml, links, metadata, screenshot, pdf');
  });
});

/** A proxy to the edge that cuts the first results download after `cutAfter` bytes. */
async function startCuttingProxy(target: string, cutAfter: number): Promise<{ url: string; cursors: string[]; server: Server }> {
  const cursors: string[] = [];
  let cut = false;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      const upstream = await fetch(target + url.pathname + url.search, { headers: { authorization: req.headers.authorization ?? '' } });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
      const isResults = url.pathname.endsWith('/results');
      if (isResults) cursors.push(url.searchParams.get('cursor') ?? '');
      let sent = 0;
      for await (const chunk of (upstream.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
        const bytes = chunk as Uint8Array;
        if (isResults && !cut && sent + bytes.byteLength > cutAfter) {
          cut = true;
          // Up to the cut (mid-row), then the connection drops.
          res.write(bytes.subarray(0, cutAfter - sent), () => res.destroy());
          return;
        }
        sent += bytes.byteLength;
        res.write(bytes);
      }
      res.end();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cursors, server };
}

describe('quarry results', () => {
  let batchId: string;

  beforeAll(async () => {
    const urls = Array.from({ length: 150 }, (_, i) => site.url('127.0.0.2', `/page/${i}`));
    const response = await fetch(`${stack.edge!.url}/v1/batches`, {
      method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ urls, defaults: { extract: { h1: 'h1', price: '.price' } } }),
    });
    expect(response.status).toBe(202);
    batchId = ((await response.json()) as { batchId: string }).batchId;
    await waitFor(async () => {
      const view = (await (await fetch(`${stack.edge!.url}/v1/batches/${batchId}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { state: string; completed: number };
      return view.state === 'finished' ? view : undefined;
    }, { timeoutMs: 90_000, intervalMs: 250, description: 'the batch to finish' });
  }, 120_000);

  it.each(['csv', 'jsonl'] as const)('downloads %s through a connection cut mid-row, resuming after the last whole row', async (format) => {
    const whole = await (await fetch(`${stack.edge!.url}/v1/batches/${batchId}/results?format=${format}`, { headers: { authorization: `Bearer ${apiKey}` } })).text();
    const rows = whole.split('\n').filter(Boolean);
    expect(rows.length).toBe(format === 'csv' ? 151 : 150);
    const cutAfter = Math.floor(whole.length / 3) + 7;
    const proxy = await startCuttingProxy(stack.edge!.url, cutAfter);
    try {
      const out = await run(['results', batchId, '--format', format], { env: { ...env, QUARRY_URL: proxy.url } });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toBe(whole);
      // Two downloads: the first from 0, the second from after the last whole row before the cut.
      expect(proxy.cursors.length).toBe(2);
      expect(proxy.cursors[0]).toBe('0');
      const resumedAt = Number(proxy.cursors[1]);
      expect(resumedAt).toBeGreaterThan(0);
      expect(resumedAt).toBeLessThan(150);
      expect(out.stderr).toMatch(/progress: \d+\/150 rows\n/);
      expect(out.stderr.endsWith('150 rows\n')).toBe(true);
    } finally {
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  }, 60_000);
});
