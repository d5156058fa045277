/**
 * Task requests at the edge, inside workerd: `{"task", "input"}` is checked against the task's
 * JSON Schema from the generated manifest (the example tasks: catalog, product); a bad input or
 * an unknown task is a 400 naming the field and enqueues nothing; a good one is stored as the
 * worker expects (`task:<name>`, taskJobDataSchema).
 */
import { describe, expect, it } from 'vitest';
import { taskJobDataSchema } from '../../shared/tasks/task-request.ts';
import { TASKS_MANIFEST } from '../../shared/tasks/manifest.generated.ts';
import { edgeHarness } from './edge-harness.ts';

describe('POST /v1/jobs with a task', () => {
  it('enqueues a task job named task:<name> with the task\'s attempts and the caller\'s input', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/jobs', { body: { task: 'catalog', input: { url: 'https://shop.example/catalog?page=1' } } });
    expect(res.status).toBe(202);
    const { id } = await res.json<{ id: string }>();
    expect(await edge.broker.lrange(`${edge.prefix}:scrape:wait`, 0, -1)).toEqual([id]);
    expect(await edge.broker.hget(`${edge.prefix}:scrape:${id}`, 'name')).toBe('task:catalog');
    const data = taskJobDataSchema.parse(JSON.parse((await edge.broker.hget(`${edge.prefix}:scrape:${id}`, 'data'))!));
    expect(data.request).toMatchObject({ task: 'catalog', input: { url: 'https://shop.example/catalog?page=1' }, attempts: TASKS_MANIFEST.tasks.catalog!.attempts });
    const status = await (await edge.request('GET', `/v1/jobs/${id}`)).json();
    expect(status).toMatchObject({ id, status: 'waiting', name: 'task:catalog' });
  });

  it('a delayed task job can be cancelled like a scrape job', async () => {
    const edge = edgeHarness();
    const { id } = await (await edge.request('POST', '/v1/jobs', { body: { task: 'product', input: { url: 'https://shop.example/p/2' }, delayMs: 60_000 } })).json<{ id: string }>();
    expect(await (await edge.request('GET', `/v1/jobs/${id}`)).json()).toMatchObject({ status: 'delayed', name: 'task:product' });
    const cancel = await edge.request('DELETE', `/v1/jobs/${id}`);
    expect(cancel.status).toBe(200);
    expect((await edge.request('GET', `/v1/jobs/${id}`)).status).toBe(404);
  });

  it('GET /v1/jobs lists task jobs beside scrape jobs (a task job has no url)', async () => {
    const edge = edgeHarness();
    const post = async (body: unknown) => (await (await edge.request('POST', '/v1/jobs', { body })).json<{ id: string }>()).id;
    const task = await post({ task: 'product', input: { url: 'https://shop.example/p/3' }, delayMs: 60_000 });
    const scrape = await post({ url: 'https://shop.example/p/4', delayMs: 60_000 });
    const list = await (await edge.request('GET', '/v1/jobs?status=delayed')).json<{ jobs: { id: string; url: string | null }[] }>();
    expect(list.jobs.map((job) => job.id).sort()).toEqual([task, scrape].sort());
    expect(list.jobs.find((job) => job.id === task)?.url).toBeNull();
    expect(list.jobs.find((job) => job.id === scrape)?.url).toBe('https://shop.example/p/4');
  });

  it('an idempotency key names the same task job', async () => {
    const edge = edgeHarness();
    const send = () => edge.request('POST', '/v1/jobs', { body: { task: 'product', input: { url: 'https://shop.example/p/1' }, idempotencyKey: 'p-1' } });
    const first = await (await send()).json<{ id: string }>();
    const second = await (await send()).json<{ id: string; duplicate: boolean }>();
    expect(second).toMatchObject({ id: first.id, duplicate: true });
  });

  const cases: { name: string; body: unknown; path: string; message: RegExp }[] = [
    { name: 'unknown task', body: { task: 'nope', input: {} }, path: 'task', message: /no task "nope".*"catalog", "product"/ },
    { name: 'input field of the wrong type', body: { task: 'catalog', input: { url: 'https://a.example/', maxPages: 'ten' } }, path: 'input.maxPages', message: /number|integer/i },
    { name: 'input field out of range', body: { task: 'catalog', input: { url: 'https://a.example/', maxPages: 500 } }, path: 'input.maxPages', message: /50/ },
    { name: 'missing input field', body: { task: 'product', input: {} }, path: 'input.url', message: /./ },
    { name: 'input not a URL', body: { task: 'product', input: { url: 'not a url' } }, path: 'input.url', message: /./ },
    { name: 'input not an object', body: { task: 'product', input: 'x' }, path: 'input', message: /object/i },
    { name: 'unknown job field', body: { task: 'product', input: { url: 'https://a.example/' }, mode: 'browser' }, path: '', message: /Unrecognized key: "mode"/ },
  ];
  for (const testCase of cases) {
    it(`${testCase.name}: 400 naming ${testCase.path}, nothing enqueued`, async () => {
      const edge = edgeHarness();
      const res = await edge.request('POST', '/v1/jobs', { body: testCase.body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const problem = await res.json<{ errors: { path: string; message: string }[] }>();
      const error = problem.errors.find((e) => e.path === testCase.path);
      expect(error, JSON.stringify(problem.errors)).toBeDefined();
      expect(error!.message).toMatch(testCase.message);
      expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(0);
    });
  }
});

describe('POST /v1/batches with tasks', () => {
  it('takes task items next to scrape items', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/batches', { body: { jobs: [{ url: 'https://a.example/1' }, { task: 'product', input: { url: 'https://a.example/p/1' } }] } });
    expect(res.status).toBe(202);
    const body = await res.json<{ count: number; jobs: { id: string }[] }>();
    expect(body.count).toBe(2);
    expect(await edge.broker.hget(`${edge.prefix}:scrape:${body.jobs[1]!.id}`, 'name')).toBe('task:product');
  });

  it('a bad task item rejects the whole batch, naming the item and the input field', async () => {
    const edge = edgeHarness();
    const res = await edge.request('POST', '/v1/batches', { body: { jobs: [{ url: 'https://a.example/1' }, { task: 'product', input: { url: 'nope' } }] } });
    expect(res.status).toBe(400);
    const problem = await res.json<{ errors: { path: string }[] }>();
    expect(problem.errors.map((e) => e.path)).toEqual(['jobs.1.input.url']);
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(0);
  });
});

describe('OpenAPI lists the tasks', () => {
  it('one TaskRequest_<name> component per task, with its input schema, named by POST /v1/jobs', async () => {
    const edge = edgeHarness();
    const text = await (await edge.request('GET', '/openapi.json', { auth: null })).text();
    const doc = JSON.parse(text) as { components: { schemas: Record<string, { properties: Record<string, { properties?: Record<string, unknown> }> }> } };
    for (const name of Object.keys(TASKS_MANIFEST.tasks)) {
      const schema = doc.components.schemas[`TaskRequest_${name}`];
      expect(schema, name).toBeDefined();
      expect(Object.keys(schema!.properties.input!.properties!)).toEqual(Object.keys((TASKS_MANIFEST.tasks[name]!.inputSchema as { properties: object }).properties));
    }
    expect(JSON.parse(text).paths['/v1/jobs'].post.description).toContain('TaskRequest_<name>');
  });
});
