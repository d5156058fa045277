/**
 * `quarry/client` inside workerd against the real edge app (and real Redis behind it): typed
 * data, typed problems, the long-poll wait, SSE events and cursor paging.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createApp } from '../../edge/src/app.ts';
import { createQuarryClient, jobEvents, listAllJobs, QuarryProblemError, unwrap, waitForJob } from '../../client/index.ts';
import { edgeHarness } from './edge-harness.ts';

const app = createApp();

function client(apiKey = inject('apiKey')) {
  const edge = edgeHarness();
  const api = createQuarryClient({ baseUrl: 'https://quarry.test/', apiKey, fetch: async (request) => app.fetch(request, edge.env) });
  return { edge, api };
}

describe('quarry/client in workerd', () => {
  it('enqueues and reads a job with typed answers', async () => {
    const { api } = client();
    const accepted = await unwrap(api.POST('/v1/jobs', { body: { url: 'http://127.0.0.2:9/a' } }));
    expect(accepted).toMatchObject({ status: 'waiting', duplicate: false });
    const job = await unwrap(api.GET('/v1/jobs/{id}', { params: { path: { id: accepted.id } } }));
    expect(job.id).toBe(accepted.id);
    expect(job.status).toBe('waiting');
  });

  it('answers errors as typed problem objects', async () => {
    const { api } = client();
    const invalid = await api.POST('/v1/jobs', { body: { url: 'not a url' } as never });
    expect(invalid.data).toBeUndefined();
    expect(invalid.error).toMatchObject({ status: 400, type: expect.stringMatching(/^urn:quarry:problem:/) });
    const thrown = await unwrap(api.GET('/v1/jobs/{id}', { params: { path: { id: 'nope' } } })).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(QuarryProblemError);
    expect((thrown as QuarryProblemError).problem).toMatchObject({ status: 404 });
    const unauthorized = await unwrap(client('wrong-key').api.GET('/v1/jobs', {})).catch((error: unknown) => error);
    expect((unauthorized as QuarryProblemError).status).toBe(401);
  });

  it('waits with the long poll and returns the last view when the job is still waiting', async () => {
    const { api } = client();
    const { id } = await unwrap(api.POST('/v1/jobs', { body: { url: 'http://127.0.0.2:9/wait' } }));
    const job = await waitForJob(api, id, { timeoutMs: 1500 });
    expect(job).toMatchObject({ id, status: 'waiting' });
  });

  it('streams a job\'s events until aborted', async () => {
    const { api } = client();
    const { id } = await unwrap(api.POST('/v1/jobs', { body: { url: 'http://127.0.0.2:9/sse' } }));
    const controller = new AbortController();
    const events = jobEvents(api, id, { signal: controller.signal });
    const first = await events.next();
    expect(first.value).toMatchObject({ event: 'status', data: { id, status: 'waiting' } });
    controller.abort();
    await events.return(undefined);
  });

  it('pages through a list with its cursor', async () => {
    const { api } = client();
    const ids = new Set<string>();
    for (const n of [1, 2, 3]) ids.add((await unwrap(api.POST('/v1/jobs', { body: { url: `http://127.0.0.2:9/page-${n}` } }))).id);
    const listed: string[] = [];
    for await (const job of listAllJobs(api, { status: 'waiting', limit: 1 })) listed.push(job.id);
    expect(new Set(listed)).toEqual(ids);
  });
});
