/**
 * The route commands (job, domain, map, task, schedule show/enable/disable) and the global
 * `--json`, against a real local stack: wrangler dev edge, Redis behind the REST servers, one
 * worker loading the example tasks, and a loopback test site as the scraped domain.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local/local-stack.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';
import { run } from './capture-io.ts';

const apiKey = `cli-r-${randomBytes(12).toString('hex')}`;
let stack: LocalStack;
let site: TestSite;
let env: Record<string, string>;

beforeAll(async () => {
  site = await startTestSite({ hosts: ['127.0.0.2'] });
  const token = randomBytes(16).toString('hex');
  stack = await startLocalStack({
    prefix: `{quarry-clir-${randomBytes(3).toString('hex')}}`,
    devVars: { UPSTASH_REDIS_REST_TOKEN: token, RESULT_UPSTASH_REDIS_REST_TOKEN: token, API_KEYS: `${apiKey}#enqueue+read+admin` },
    workers: 1,
    workerEnv: {
      QUARRY_ALLOW_PRIVATE_CIDRS: '127.0.0.2/32', LOG_LEVEL: 'warn', QUARRY_HEALTH_PORT: '0', QUARRY_DOMAIN_RATES: 'none', QUARRY_DOMAIN_CONCURRENCY: '0',
      QUARRY_TASKS: './examples/tasks/index.ts',
    },
  });
  env = { QUARRY_URL: stack.edge!.url, QUARRY_API_KEY: apiKey };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await site?.close();
});

const json = <T>(text: string) => JSON.parse(text) as T;

describe('quarry route commands against a local stack', () => {
  it('job ls lists a delayed job (table and --json), job cancel removes it (a second cancel is a 404, exit 2)', async () => {
    // A scrape job: list-jobs-1.lua drops the summary of a task job (no request.url), see the report.
    const accepted = await run(['enqueue', '-', '--jsonl', '--json'], { env, stdin: `${JSON.stringify({ url: site.url('127.0.0.2', '/page/3'), delayMs: 600_000 })}\n` });
    expect(accepted.code, accepted.stderr).toBe(0);
    const id = json<{ batches: { jobs: { id: string }[] }[] }>(accepted.stdout).batches[0]!.jobs[0]!.id;

    const table = await run(['job', 'ls', '--status', 'delayed'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+MODE\s+ATTEMPTS\s+FINISHED\s+URL\s+ERROR\n/);
    expect(table.stdout).toContain(id);
    // --json before or after the subcommand: one JSON document.
    for (const argv of [['--json', 'job', 'ls', '--status', 'delayed'], ['job', 'ls', '--status', 'delayed', '--json']]) {
      const page = json<{ status: string; jobs: { id: string }[]; nextCursor: string | null }>((await run(argv, { env })).stdout);
      expect(page).toMatchObject({ status: 'delayed', nextCursor: null });
      expect(page.jobs.map((job) => job.id)).toContain(id);
    }

    expect(await run(['job', 'cancel', id], { env })).toMatchObject({ code: 0, stdout: `job ${id}: cancelled (was delayed)\n` });
    const again = await run(['job', 'cancel', id], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: No job with id "/);
    expect(json<{ jobs: unknown[] }>((await run(['--json', 'job', 'ls', '--status', 'delayed'], { env })).stdout).jobs).toEqual([]);
  });

  it('job retry replays a failed job, and job events --json follows it to its failure as JSON Lines', async () => {
    const enqueued = await run(['enqueue', '-', '--jsonl', '--json'], { env, stdin: `${JSON.stringify({ url: site.url('127.0.0.2', '/status/404'), attempts: 1 })}\n` });
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const jobId = json<{ batches: { jobs: { id: string }[] }[] }>(enqueued.stdout).batches[0]!.jobs[0]!.id;
    expect((await run(['status', jobId, '--wait', '30'], { env })).code).toBe(1);

    const failed = json<{ jobs: { id: string; error: string | null }[] }>((await run(['--json', 'job', 'ls'], { env })).stdout);
    expect(failed.jobs.find((job) => job.id === jobId)?.error).toMatch(/404/);
    const running = await run(['job', 'retry', 'no-such-job'], { env });
    expect(running.code).toBe(2);
    const waiting = await run(['job', 'retry', jobId], { env });
    expect(waiting).toMatchObject({ code: 0, stdout: `job ${jobId}: waiting (was failed)\n` });

    const events = await run(['job', 'events', jobId, '--json'], { env });
    expect(events.code).toBe(1);
    const lines = events.stdout.trim().split('\n').map((line) => json<{ event: string; data: { status?: string } }>(line));
    expect(lines.at(-1)).toMatchObject({ event: 'failed', data: { status: 'failed' } });
    // Readable form of the same stream: one timestamped line per event.
    const pretty = await run(['job', 'events', jobId], { env });
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toMatch(/Z {2}failed {4}.*404/);
  }, 90_000);

  it('domain limits sets and resets an override that domain show reports', async () => {
    const host = '127.0.0.9';
    const set = await run(['domain', 'limits', host, '--rate', '5/1s', '--rate', '100/1m', '--concurrency', '2'], { env });
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toBe(`domain ${host}: limits {"rates":[{"max":5,"perMs":1000},{"max":100,"perMs":60000}],"concurrency":2}\n`);

    const view = json<{ domain: string; override: unknown; effective: { concurrency: number; rates: unknown[] } }>((await run(['--json', 'domain', 'show', host], { env })).stdout);
    expect(view).toMatchObject({ domain: host, override: { rates: [{ max: 5, perMs: 1000 }, { max: 100, perMs: 60_000 }], concurrency: 2 }, effective: { concurrency: 2 } });
    const pretty = await run(['domain', 'show', host], { env });
    expect(pretty.stdout).toContain('rates        5/1000ms, 100/60000ms\nconcurrency  2\n');
    expect(pretty.stdout).toMatch(/WINDOW\s+MAX\s+USED\n1000ms\s+5\s+0\n/);

    expect((await run(['domain', 'limits', host, '--reset'], { env })).stdout).toBe(`domain ${host}: override removed\n`);
    expect(json<{ override: unknown }>((await run(['domain', 'show', host, '--json'], { env })).stdout).override).toBeNull();
    const usage = await run(['domain', 'limits', host], { env });
    expect(usage).toMatchObject({ code: 2, stderr: 'error: give --rate and/or --concurrency, or --reset\n' });
  });

  it('map prints the start page\'s links one per line, or the whole answer with --json', async () => {
    const start = site.url('127.0.0.2', '/page/1');
    const lines = await run(['map', start, '--sitemap', 'skip', '--limit', '50'], { env });
    expect(lines.code, lines.stderr).toBe(0);
    const urls = lines.stdout.trim().split('\n');
    expect(urls.length).toBeGreaterThan(1);
    for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\//);

    const answer = json<{ count: number; links: string[] }>((await run(['--json', 'map', start, '--sitemap', 'skip', '--limit', '50'], { env })).stdout);
    expect(answer.links.sort()).toEqual([...urls].sort());
    expect(answer.count).toBe(urls.length);
  }, 60_000);

  it('task runs a manifest task and waits for its result; a bad input is a 400 naming the field', async () => {
    const done = await run(['--json', 'task', 'product', '--input', JSON.stringify({ url: site.url('127.0.0.2', '/page/1') }), '--wait', '30'], { env });
    expect(done.code, done.stderr).toBe(0);
    expect(json(done.stdout)).toMatchObject({ status: 'completed', result: { task: 'product' } });

    const bad = await run(['task', 'product', '--input', '{"url": "not a url"}'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/url/);
    expect((await run(['task', 'product', '--input', '{oops'], { env })).stderr).toMatch(/^error: --input takes a JSON document/);
  }, 60_000);

  it('schedule show, disable and enable keep the definition and flip enabled', async () => {
    const added = json<{ id: string }>((await run(['schedule', 'add', site.url('127.0.0.2', '/page/2'), '--every', '1h', '--name', 'cli-routes', '--json'], { env })).stdout);
    expect((await run(['schedule', 'disable', added.id], { env })).stdout).toBe(`schedule ${added.id}: disabled\n`);
    const paused = json<{ enabled: boolean; name: string; everyMs: number; nextFireAt: string | null; target: unknown }>((await run(['--json', 'schedule', 'show', added.id], { env })).stdout);
    expect(paused).toMatchObject({ enabled: false, name: 'cli-routes', everyMs: 3_600_000, nextFireAt: null, target: { job: { url: site.url('127.0.0.2', '/page/2') } } });
    expect((await run(['schedule', 'enable', added.id], { env })).stdout).toMatch(new RegExp(`^schedule ${added.id}: enabled, next run \\d{4}-`));
    const shown = await run(['schedule', 'show', added.id], { env });
    expect(shown.stdout).toContain('enabled   yes\n');
    expect(json((await run(['--json', 'schedule', 'rm', added.id], { env })).stdout)).toEqual({ id: added.id, deleted: true });
  });

  it('crawl cancel prints the API\'s answer with --json', async () => {
    const started = json<{ id: string }>((await run(['--json', 'crawl', site.url('127.0.0.2', '/page/4'), '--limit', '3'], { env })).stdout);
    const cancelled = await run(['crawl', 'cancel', started.id, '--json'], { env });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(json(cancelled.stdout)).toMatchObject({ id: started.id, status: 'cancelled', removed: expect.any(Number), running: expect.any(Number) });
  });
});
