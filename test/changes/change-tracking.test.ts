/**
 * Change tracking end to end (edge under wrangler dev, a worker process, redis-server): a local
 * page that changes between scrapes gives new → same → changed → removed with the right diffs
 * (fields, and markdown as a unified diff), tags keep separate histories, and a
 * `callbackOn: "change"` callback arrives exactly for new, changed and removed.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../dev/local/wait-for.ts';
import { startScheduleStack, type ScheduleStack } from '../schedules/schedule-stack.ts';

const HOST = '127.0.0.3';
let s: ScheduleStack;
let server: Server;
let base: string;
/** What each path answers now: [status, html]. */
const pages = new Map<string, [number, string]>();
const callbacks: { jobId: string; event: string; change?: { status: string } }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { jobId: string; event: string; result?: { change?: { status: string } } };
        callbacks.push({ jobId: parsed.jobId, event: parsed.event, ...(parsed.result?.change ? { change: parsed.result.change } : {}) });
        res.writeHead(204).end();
      });
      return;
    }
    const [status, html] = pages.get(req.url ?? '') ?? [404, '<h1>Not found</h1>'];
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  base = `http://${HOST}:${(server.address() as { port: number }).port}`;
  s = await startScheduleStack({ workers: 1, hosts: ['127.0.0.2', HOST], workerEnv: { QUARRY_CALLBACK_SECRET: 'test-callback-secret' } });
}, 120_000);
afterAll(async () => {
  await s?.close();
  await new Promise((resolve) => server?.close(resolve));
});

interface Change { status: string; previousAt: string | null; diff: unknown }

async function scrape(body: Record<string, unknown>): Promise<{ id: string; change: Change; httpStatus: number }> {
  const res = await s.edge.post('/v1/jobs', body);
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const result = await resultOf(id);
  return { id, change: result.change, httpStatus: result.httpStatus };
}

/**
 * The job's result once it completed. GET /v1/jobs/:id reads the broker and the result store in
 * parallel, so a view read as the job finishes can say "completed" without the result yet.
 */
async function resultOf(id: string): Promise<{ change: Change; httpStatus: number }> {
  return waitFor(async () => {
    const job = await s.edge.waitForJob(id, 30_000);
    expect(job.status, job.error).toBe('completed');
    return job.result as unknown as { change: Change; httpStatus: number } | undefined;
  }, { timeoutMs: 30_000, description: `the result of ${id}` });
}

const product = (price: string, items: string[]) =>
  `<html><head><title>Widget</title></head><body><h1>Widget</h1><p class="price">${price}</p><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></body></html>`;

describe('change tracking', () => {
  it('fields mode: new, same, changed with a field diff, removed; change-only callbacks', async () => {
    const path = '/product/1';
    const job = {
      url: `${base}${path}`, extract: { price: '.price', 'items[]': 'li' },
      changeTracking: { mode: 'fields' }, callbackUrl: `${base}/callback`, callbackOn: 'change',
    };
    pages.set(path, [200, product('10.00', ['red', 'blue'])]);
    const first = await scrape(job);
    expect(first.change).toEqual({ status: 'new', previousAt: null, diff: null });
    const second = await scrape(job);
    expect(second.change).toMatchObject({ status: 'same', diff: null });
    expect(Date.parse(second.change.previousAt!)).toBeGreaterThan(0);

    pages.set(path, [200, product('12.50', ['red', 'green'])]);
    const third = await scrape(job);
    expect(third.change.status).toBe('changed');
    expect(third.change.diff).toEqual({
      fields: {
        price: { previous: '10.00', current: '12.50' },
        items: { previous: ['red', 'blue'], current: ['red', 'green'], added: ['green'], removed: ['blue'] },
      },
    });

    pages.set(path, [410, '<h1>Gone</h1>']);
    const fourth = await scrape(job);
    expect(fourth).toMatchObject({ httpStatus: 410, change: { status: 'removed', diff: null } });
    const fifth = await scrape(job);
    expect(fifth.change.status).toBe('same'); // still gone: nothing new
    pages.set(path, [200, product('12.50', ['red'])]);
    const back = await scrape({ ...job, callbackUrl: undefined, callbackOn: undefined });
    expect(back.change).toMatchObject({ status: 'new', diff: null }); // back after a removal
    // Another tag keeps its own history: the page is new there, then the same.
    const tagged = { ...job, callbackUrl: undefined, callbackOn: undefined, changeTracking: { mode: 'fields', tag: 'eu' } };
    expect((await scrape(tagged)).change.status).toBe('new');
    expect((await scrape(tagged)).change.status).toBe('same');

    // Callbacks: exactly the new, changed and removed scrapes (not the two "same" ones).
    await waitFor(() => callbacks.filter((c) => [first, third, fourth].some((j) => j.id === c.jobId)).length === 3, { timeoutMs: 20_000, description: 'three change callbacks' });
    const expectedIds = [first.id, third.id, fourth.id];
    // The "same" scrapes finished before the last callback was queued: had they been called back, they would be here.
    await waitFor(() => callbacks.some((c) => c.jobId === fourth.id), { timeoutMs: 20_000, description: 'the removed callback' });
    expect(callbacks.filter((c) => c.jobId.length > 0).map((c) => c.jobId).sort()).toEqual(expectedIds.sort());
    expect(callbacks.map((c) => c.change?.status).sort()).toEqual(['changed', 'new', 'removed']);
  });

  it('markdown mode gives a unified diff of the page\'s markdown', async () => {
    const path = '/doc/1';
    const job = { url: `${base}${path}`, formats: ['markdown'], changeTracking: { mode: 'markdown' } };
    pages.set(path, [200, '<html><body><h1>Guide</h1><p>Step one.</p><p>Step two.</p></body></html>']);
    expect((await scrape(job)).change.status).toBe('new');
    expect((await scrape(job)).change.status).toBe('same');
    pages.set(path, [200, '<html><body><h1>Guide</h1><p>Step one.</p><p>Step three.</p></body></html>']);
    const changed = await scrape(job);
    expect(changed.change.status).toBe('changed');
    const diff = changed.change.diff as string;
    expect(diff).toMatch(/^--- previous\t/m);
    expect(diff).toMatch(/^\+\+\+ current\t/m);
    expect(diff).toMatch(/^-Step two\.$/m);
    expect(diff).toMatch(/^\+Step three\.$/m);
    expect(diff).not.toMatch(/^[-+]Step one\.$/m);
    pages.delete(path);
    expect((await scrape(job)).change.status).toBe('removed');
  });

  it('a schedule\'s runs track changes: new, same, changed', async () => {
    const path = '/product/2';
    pages.set(path, [200, product('5.00', ['a'])]);
    const id = await s.create({ name: 'watch', cron: '0 0 1 1 *', target: { job: { url: `${base}${path}`, extract: { price: '.price' }, changeTracking: { mode: 'fields' } } } });
    const runNow = async () => {
      const { runId } = (await (await s.edge.post(`/v1/schedules/${id}/run`, {})).json()) as { runId: string };
      return (await resultOf(runId)).change;
    };
    expect((await runNow()).status).toBe('new');
    expect((await runNow()).status).toBe('same');
    pages.set(path, [200, product('6.00', ['a'])]);
    expect(await runNow()).toMatchObject({ status: 'changed', diff: { fields: { price: { previous: '5.00', current: '6.00' } } } });
  });

  it('refuses what cannot be tracked, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: `${base}/x`, changeTracking: { mode: 'fields' } }, 'changeTracking.mode'],
      [{ url: `${base}/x`, changeTracking: { mode: 'markdown' } }, 'changeTracking.mode'],
      [{ url: `${base}/x`, extract: { a: 'h1' }, callbackOn: 'change' }, 'callbackOn'],
      [{ url: `${base}/x`, extract: { a: 'h1' }, changeTracking: { mode: 'fields', tag: 'no spaces' } }, 'changeTracking.tag'],
    ];
    for (const [body, path] of cases) {
      const res = await s.edge.post('/v1/jobs', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
    }
  });
});
