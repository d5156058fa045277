/**
 * `enqueue --wait` against a stubbed API: chunked submission with derived idempotency keys,
 * polling until every batch finishes, the summary, and exit code 1 when a job failed.
 */
import { describe, expect, it } from 'vitest';
import { run } from './capture-io.ts';

/** Two batches that finish on the second poll; batch b-1 has one failed job. */
function fakeApi() {
  const posted: { key: string | null; body: { urls: string[] } }[] = [];
  const polls = new Map<string, number>();
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    if (init?.method === 'POST') {
      const body = JSON.parse(String(init.body)) as { urls: string[] };
      const batchId = `b-${posted.length}`;
      posted.push({ key: new Headers(init.headers).get('idempotency-key'), body });
      return Response.json({ batchId, count: body.urls.length, deduplicated: 0, statusUrl: `${url.origin}/v1/batches/${batchId}`, jobs: [] }, { status: 202 });
    }
    const batchId = url.pathname.split('/').pop()!;
    const poll = (polls.get(batchId) ?? 0) + 1;
    polls.set(batchId, poll);
    const total = posted[Number(batchId.slice(2))]!.body.urls.length;
    const failed = poll > 1 && batchId === 'b-1' ? 1 : 0;
    const completed = poll > 1 ? total - failed : 0;
    return Response.json({ batchId, total, deduplicated: 0, completed, failed, pending: total - completed - failed, progress: 0, state: poll > 1 ? 'finished' : 'running', createdAt: '' });
  };
  return { fetch, posted };
}

describe('enqueue --wait', () => {
  it('submits chunks with derived keys, waits for all, and exits 1 when a job failed', async () => {
    const api = fakeApi();
    const urls = Array.from({ length: 10_001 }, (_, i) => `https://a.example/${i}`).join('\n');
    const result = await run(['enqueue', '-', '--wait', '--idempotency-key', 'run-7'], { stdin: urls, env: { QUARRY_API_KEY: 'k' }, io: { fetch: api.fetch } });
    expect(api.posted.map((post) => [post.key, post.body.urls.length])).toEqual([['run-7', 10_000], ['run-7-1', 1]]);
    expect(result.stdout).toMatch(/^batch b-0: 10000 jobs enqueued\nbatch b-1: 1 job enqueued\ntotal: 2 batches, 10001 jobs enqueued, 0 deduplicated\nfinished in \d+\.\ds: 10000 completed, 1 failed\n$/);
    expect(result.stderr).toBe('progress: 0/10001 finished (0 failed)\nprogress: 10001/10001 finished (1 failed)\n');
    expect(result.code).toBe(1);
  });

  it('prints one JSON report with --json', async () => {
    const api = fakeApi();
    const result = await run(['enqueue', '-', '--wait', '--json'], { stdin: 'https://a.example/\n', env: { QUARRY_API_KEY: 'k' }, io: { fetch: api.fetch } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ batches: [{ batchId: 'b-0', count: 1 }], finished: { total: 1, completed: 1, failed: 0 } });
  });
});
