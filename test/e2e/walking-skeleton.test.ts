/**
 * End to end with real processes: redis-server ×2, REST servers, the edge in workerd
 * (`wrangler dev`) and a worker process, scraping a local site on 127.0.0.2 and 127.0.0.3.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../dev/local/local-stack.ts';
import { edgeClient, type EdgeClient } from '../support/edge-client.ts';
import { expectedJsPage, expectedPage } from '../support/test-site-pages.ts';
import { startTestSite, type TestSite } from '../support/test-site.ts';

const apiKey = `e2e-${randomBytes(12).toString('hex')}`;
const prefix = `{quarry-e2e-${randomBytes(3).toString('hex')}}`;
let site: TestSite;
let stack: LocalStack;
let edge: EdgeClient;
let broker: Redis;

beforeAll(async () => {
  site = await startTestSite({ hosts: ['127.0.0.2', '127.0.0.3'] });
  const token = randomBytes(16).toString('hex');
  stack = await startLocalStack({
    prefix,
    devVars: {
      UPSTASH_REDIS_REST_TOKEN: token, RESULT_UPSTASH_REDIS_REST_TOKEN: token, API_KEYS: apiKey,
    },
    workers: 1,
    workerEnv: { QUARRY_ALLOW_PRIVATE_CIDRS: '127.0.0.2/31', LOG_LEVEL: 'warn' },
  });
  edge = edgeClient(stack.edge!.url, apiKey);
  broker = new Redis(stack.brokerRedis.url);
}, 120_000);

afterAll(async () => {
  broker?.disconnect();
  await stack?.stop();
  await site?.close();
});

describe('walking skeleton', () => {
  it('scrapes an http job and a browser job, and the http job cannot see script-rendered text', async () => {
    const page = expectedPage(1);
    const js = expectedJsPage(2);
    const submit = async (body: unknown) => {
      const res = await edge.post('/v1/jobs', body);
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };
    const httpId = await submit({ url: site.url('127.0.0.2', '/page/1'), extract: { heading: 'h1', price: '.price', 'links[]': { selector: 'a.link', attr: 'href' } } });
    const browserId = await submit({ url: site.url('127.0.0.3', '/js/2'), mode: 'browser', waitFor: '#rendered', extract: { rendered: '#rendered', price: '.price' } });
    const httpOfJsId = await submit({ url: site.url('127.0.0.3', '/js/2'), extract: { rendered: '#rendered' } });

    const httpJob = await edge.waitForJob(httpId, 30_000);
    expect(httpJob.status).toBe('completed');
    expect(httpJob.result).toMatchObject({ httpStatus: 200, title: page.title, mode: 'http', attempt: 1, extract: { heading: page.h1, price: page.price, links: page.links } });

    const browserJob = await edge.waitForJob(browserId, 60_000);
    expect(browserJob.status).toBe('completed');
    expect(browserJob.result).toMatchObject({ mode: 'browser', title: js.title, extract: { rendered: js.rendered, price: js.price } });

    const httpOfJs = await edge.waitForJob(httpOfJsId, 30_000);
    expect(httpOfJs.result?.extract.rendered).toBeNull();
  });

  it('refuses bad requests with a problem+json 4xx and enqueues nothing', async () => {
    const before = await broker.keys(`${prefix}:scrape:*`);
    const cases: [string, Promise<Response>, number][] = [
      ['missing url', edge.post('/v1/jobs', { mode: 'http' }), 400],
      ['ftp scheme', edge.post('/v1/jobs', { url: 'ftp://127.0.0.2/file' }), 400],
      ['non-JSON', edge.post('/v1/jobs', null, { raw: 'not json' }), 400],
      ['wrong field type', edge.post('/v1/jobs', { url: 'http://127.0.0.2/', attempts: 'many' }), 400],
      ['no key', edge.post('/v1/jobs', { url: 'http://127.0.0.2/' }, { auth: null }), 401],
      ['invalid key', edge.post('/v1/jobs', { url: 'http://127.0.0.2/' }, { auth: 'wrong' }), 401],
    ];
    for (const [name, response, status] of cases) {
      const res = await response;
      expect(res.status, name).toBe(status);
      expect(res.headers.get('content-type'), name).toBe('application/problem+json');
    }
    const waiting = await broker.llen(`${prefix}:scrape:wait`);
    expect(waiting).toBe(0);
    expect((await broker.keys(`${prefix}:scrape:*`)).sort()).toEqual(before.sort());
  });
});
