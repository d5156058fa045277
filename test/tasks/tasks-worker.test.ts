/**
 * Tasks end to end in a real worker process (redis-server, the worker loading
 * test/tasks/fixtures/test-tasks.ts through QUARRY_TASKS, a loopback site): results, the SSRF
 * guard under ctx.fetch, containment of throws, hangs and leaked rejections, fan-out with
 * waiting children, and the fleet-wide rateLimit.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/local/free-port.ts';
import { waitFor } from '../../dev/local/wait-for.ts';
import { expectedPage } from '../support/test-site-pages.ts';
import { startTaskStack, type TaskStack } from './task-stack.ts';

let t: TaskStack;
let healthPort: number;
const HOST = '127.0.0.2';

beforeAll(async () => {
  healthPort = await freePort();
  t = await startTaskStack({
    name: 'tasks', hosts: [HOST], workers: 1,
    workerEnv: { QUARRY_CALLBACK_SECRET: 'tasks-callback-secret', QUARRY_HEALTH_PORT: String(healthPort), QUARRY_HEALTH_HOST: '127.0.0.1' },
  });
}, 90_000);
afterAll(async () => t?.close());

async function expectWorkerHealthy(): Promise<void> {
  const id = await t.addTask('echo', { value: 'after' });
  expect(await t.waitForState(id, ['completed', 'failed'])).toBe('completed');
  expect(t.stack.workers[0]!.process.exitCode).toBeNull();
  expect(t.stack.workers[0]!.process.signalCode).toBeNull();
}

describe('tasks in a worker process', () => {
  it('runs a task and stores its return value as the result', async () => {
    const id = await t.addTask('echo', { value: { a: 1 } });
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('completed');
    expect(await t.result(id)).toMatchObject({ task: 'echo', attempt: 1, value: { value: { a: 1 }, n: 0, attempt: 1, jobId: id } });
  });

  it('calls back a task job\'s callbackUrl with its result, signed, as for a scrape job', async () => {
    const received: { body: Record<string, unknown>; signature: string | undefined }[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => {
        if (req.method === 'POST') received.push({ body: JSON.parse(body) as Record<string, unknown>, signature: req.headers['quarry-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, HOST, resolve));
    try {
      const callbackUrl = `http://${HOST}:${(receiver.address() as { port: number }).port}/hook`;
      const id = await t.addTask('echo', { value: 'called back' }, { callbackUrl });
      await waitFor(() => received.length > 0, { timeoutMs: 20_000, description: 'the callback' });
      expect(received[0]!.body).toMatchObject({ event: 'job.completed', jobId: id, result: { task: 'echo', value: { value: 'called back' } } });
      expect(received[0]!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('ctx.fetch and ctx.extract read a page of the site', async () => {
    const id = await t.addTask('fetch-title', { url: t.site.url(HOST, '/page/3') });
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('completed');
    expect((await t.result(id))?.value).toEqual({ status: 200, h1: expectedPage(3).h1 });
  });

  it('ctx.fetch sends a method, headers and a JSON body, and reads a JSON answer', async () => {
    // An echo server on the allowed loopback address (another port than the site's).
    const echo: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => {
        if (req.url === '/robots.txt') return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, contentType: req.headers['content-type'], header: req.headers['x-task'], body: body ? JSON.parse(body) : null }));
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, HOST, resolve));
    try {
      const url = `http://${HOST}:${(echo.address() as { port: number }).port}/api`;
      const id = await t.addTask('post-json', { url, payload: { q: 'lamps', page: 2 } });
      expect(await t.waitForState(id, ['completed', 'failed'])).toBe('completed');
      expect((await t.result(id))?.value).toEqual({ method: 'POST', contentType: 'application/json', header: 'yes', body: { q: 'lamps', page: 2 } });
      const bad = await t.addTask('post-json', { url, payload: 1, method: 'GET' });
      expect(await t.waitForState(bad, ['completed', 'failed'])).toBe('failed');
      expect((await t.queue.getJob(bad))!.failedReason).toMatch(/a body needs a method other than GET/);
    } finally {
      echo.closeAllConnections();
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  it('ctx.fetch cannot reach an address the SSRF guard forbids, and the site never sees it', async () => {
    t.site.clearLog();
    // 127.0.0.9 is loopback outside QUARRY_ALLOW_PRIVATE_CIDRS (the site does not listen there either).
    const id = await t.addTask('fetch-title', { url: `http://127.0.0.9:${t.site.port}/page/1` });
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('failed');
    const job = await t.queue.getJob(id);
    expect(job!.failedReason).toMatch(/127\.0\.0\.9|loopback|not allowed|forbidden|private/i);
    expect(job!.attemptsMade).toBe(1);
  });

  it('a throwing task fails by its error class and leaves the worker healthy', async () => {
    const id = await t.addTask('throws', {}, { attempts: 3 });
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('failed');
    const job = await t.queue.getJob(id);
    expect(job!.failedReason).toBe('the handler gave up');
    expect(job!.attemptsMade).toBe(1); // NonRetryableError: no second attempt
    await expectWorkerHealthy();
  });

  it('a hung task fails at its timeoutMs while other jobs keep running', async () => {
    const id = await t.addTask('hangs', {}, { attempts: 1 });
    const other = await t.addTask('echo', { value: 'meanwhile' });
    expect(await t.waitForState(other, ['completed', 'failed'])).toBe('completed');
    expect(await t.waitForState(id, ['completed', 'failed'], 20_000)).toBe('failed');
    expect((await t.queue.getJob(id))!.failedReason).toMatch(/did not finish within 1500 ms/);
    await expectWorkerHealthy();
  });

  it('a rejection the task leaves unhandled does not take the process down', async () => {
    const id = await t.addTask('leaks-rejection', {});
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('completed');
    expect((await t.result(id))?.value).toBe('still here');
    await expectWorkerHealthy();
  });

  it('an input the task schema refuses fails without a retry', async () => {
    const id = await t.addTask('fetch-title', { url: 42 });
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('failed');
    expect((await t.queue.getJob(id))!.failedReason).toMatch(/Invalid input for task "fetch-title": input\.url/);
  });

  it('fans out children, waits for them and reads their results', async () => {
    const id = await t.addTask('fan-out', { count: 5 });
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('completed');
    const result = await t.result(id);
    expect(result?.value).toMatchObject({ count: 5, completed: 5 });
    expect((result?.value as { values: { n: number }[] }).values.map((v) => v.n)).toEqual([0, 1, 2, 3, 4]);
    expect(result?.children).toHaveLength(5);
    const children = await Promise.all((result!.children as string[]).map((child) => t.queue.getJob(child)));
    expect(children.every((child) => child?.parentKey?.endsWith(`:${id}`))).toBe(true);
  });

  it('fans out plain scrape jobs as children and reads their results', async () => {
    const id = await t.addTask('scrape-children', { urls: [t.site.url(HOST, '/page/7'), t.site.url(HOST, '/status/404')] });
    expect(await t.waitForState(id, ['completed', 'failed'])).toBe('completed');
    expect((await t.result(id))?.value).toEqual([{ status: 'completed', h1: expectedPage(7).h1 }, { status: 'failed' }]);
  });

  it('rateLimit holds across runs: at most 2 runs of the task in any second', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => t.addTask('rate-limited', {})));
    for (const id of ids) expect(await t.waitForState(id, ['completed', 'failed'])).toBe('completed');
    const times = (await Promise.all(ids.map(async (id) => (await t.result(id))!.value as number))).sort((a, b) => a - b);
    // Any three consecutive runs span at least a window (the limiter's margin aside).
    for (let i = 0; i + 2 < times.length; i++) expect(times[i + 2]! - times[i]!).toBeGreaterThanOrEqual(950);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2_000);
  });

  it('counts task runs, fetches, children and leaked rejections in quarry_task_* metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1] ?? 'NaN');
    expect(value('quarry_task_runs_total{task="echo",outcome="completed"}')).toBeGreaterThanOrEqual(5);
    expect(value('quarry_task_runs_total{task="hangs",outcome="timed-out"}')).toBe(1);
    expect(value('quarry_task_runs_total{task="fan-out",outcome="waiting-children"}')).toBe(1);
    expect(value('quarry_task_fetches_total{task="fetch-title"}')).toBeGreaterThanOrEqual(2);
    expect(value('quarry_task_children_total{task="fan-out"}')).toBe(5);
    expect(value('quarry_task_unhandled_rejections_total')).toBe(1);
  });
});
