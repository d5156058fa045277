/**
 * The queue dashboard against a real redis-server: HTTP Basic auth (401 without or with wrong
 * credentials), bull-board's queue API listing the scrape, callbacks and exports queues with the counts of
 * the jobs added, the UI page and its assets, and read-only mode refusing every write.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../dev/local/redis-server.ts';
import { CALLBACK_QUEUE_NAME } from '../../shared/callback-keys.ts';
import { EXPORT_QUEUE_NAME } from '../../shared/exports/export-keys.ts';
import { QUEUE_NAME } from '../../shared/keys.ts';
import { createDashboardApp } from '../../worker/src/dashboard/dashboard-app.ts';
import { startDashboard, type DashboardServer } from '../../worker/src/dashboard/dashboard-server.ts';
import { testPrefix } from '../worker/harness.ts';

const USER = 'admin';
const PASSWORD = 'correct horse battery staple';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let redis: RedisServer;
let dashboard: DashboardServer;
let prefix: string;
let scrape: Queue;
let callbacks: Queue;

beforeAll(async () => {
  redis = await startRedisServer({ appendOnly: false });
  prefix = testPrefix();
  const connection = { host: '127.0.0.1', port: redis.port };
  scrape = new Queue(QUEUE_NAME, { connection, prefix });
  callbacks = new Queue(CALLBACK_QUEUE_NAME, { connection, prefix });
  dashboard = await startDashboard({ redisUrl: redis.url, prefix, port: 0, host: '127.0.0.1', user: USER, password: PASSWORD, readOnly: true });
});
afterAll(async () => {
  await dashboard?.close();
  await Promise.all([scrape, callbacks].map(async (queue) => { await queue?.obliterate({ force: true }); await queue?.close(); }));
  await redis?.dispose();
});

const get = (path: string, authorization?: string) =>
  fetch(new URL(path, dashboard.url), authorization ? { headers: { authorization } } : {});

describe('dashboard auth', () => {
  it('answers 401 with a Basic challenge without credentials', async () => {
    const res = await get('/api/queues');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it.each([
    ['a wrong password', basic(USER, 'correct horse battery stapler')],
    ['a wrong user', basic('root', PASSWORD)],
    ['an empty password', basic(USER, '')],
    ['a malformed header', 'Basic !!!not-base64'],
    ['a bearer token', `Bearer ${PASSWORD}`],
  ])('answers 401 to %s', async (_name, authorization) => {
    expect((await get('/api/queues', authorization)).status).toBe(401);
  });

  it('protects the UI page and its static assets too; /healthz stays open for probes', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/static/favicon-32x32.png')).status).toBe(401);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('takes Basic credentials with a colon in the password, and rejects ones without a colon', async () => {
    const app = createDashboardApp({ queues: [], user: 'a', password: 'b:c' });
    const status = async (authorization?: string) => (await app.request('http://localhost/api/queues', authorization ? { headers: { authorization } } : {})).status;
    expect(await status(basic('a', 'b:c'))).toBe(200);
    expect(await status(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBe(401);
    expect(await status(undefined)).toBe(401);
  });
});

describe('dashboard queues', () => {
  it('lists the scrape and callbacks queues with the counts of the jobs in them', async () => {
    await scrape.addBulk([
      { name: 'http', data: { n: 1 } }, { name: 'http', data: { n: 2 } }, { name: 'browser', data: { n: 3 } },
      { name: 'http', data: { n: 4 }, opts: { delay: 60_000 } },
      { name: 'http', data: { n: 5 }, opts: { priority: 3 } },
    ]);
    await callbacks.add('job.completed', { jobId: 'x' });
    const res = await get('/api/queues', basic(USER, PASSWORD));
    expect(res.status).toBe(200);
    const body = await res.json() as { queues: { name: string; counts: Record<string, number>; readOnlyMode: boolean }[] };
    const byName = new Map(body.queues.map((queue) => [queue.name, queue]));
    expect([...byName.keys()].sort()).toEqual([CALLBACK_QUEUE_NAME, EXPORT_QUEUE_NAME, QUEUE_NAME].sort());
    expect(byName.get(QUEUE_NAME)!.counts).toMatchObject({ waiting: 3, delayed: 1, prioritized: 1, active: 0, completed: 0, failed: 0 });
    expect(byName.get(CALLBACK_QUEUE_NAME)!.counts).toMatchObject({ waiting: 1 });
    expect(byName.get(QUEUE_NAME)!.readOnlyMode).toBe(true);
  });

  it('serves the UI page and the assets it links to', async () => {
    const res = await get('/', basic(USER, PASSWORD));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    const asset = /(?:src|href)="([^"]*static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset, 'a script under static/ in the page').toBeDefined();
    expect((await get(asset!, basic(USER, PASSWORD))).status).toBe(200);
  });

  it('refuses writes in read-only mode, leaving the queue as it was', async () => {
    const auth = { authorization: basic(USER, PASSWORD), 'content-type': 'application/json' };
    const pause = await fetch(new URL(`/api/queues/${QUEUE_NAME}/pause`, dashboard.url), { method: 'PUT', headers: auth });
    expect(pause.status).toBe(405);
    const add = await fetch(new URL(`/api/queues/${QUEUE_NAME}/add`, dashboard.url), { method: 'POST', headers: auth, body: JSON.stringify({ name: 'http', data: {} }) });
    expect(add.status).toBe(405);
    expect(await scrape.isPaused()).toBe(false);
    expect(await scrape.getWaitingCount()).toBe(3);
  });
});

describe('dashboard with actions on', () => {
  it('pauses a queue through the API when read-only is off, but not for another site', async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection, prefix: testPrefix() });
    const app = createDashboardApp({ queues: [queue], user: USER, password: PASSWORD, readOnly: false });
    const pause = (origin: string) => app.request(`http://localhost/api/queues/${QUEUE_NAME}/pause`, { method: 'PUT', headers: { authorization: basic(USER, PASSWORD), origin } });
    // The browser resends Basic credentials to a page of another site too: that request is refused.
    expect((await pause('https://attacker.example')).status).toBe(403);
    expect(await queue.isPaused()).toBe(false);
    // The board's own page sends its origin.
    expect((await pause('http://localhost')).status).toBeLessThan(300);
    expect(await queue.isPaused()).toBe(true);
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });
});
