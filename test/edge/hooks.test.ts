/**
 * Signed webhook triggers inside workerd: Quarry's Stripe-style scheme (with rotation and a
 * replay window) and GitHub's, the latter signed by an independent library.
 */
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { signQuarry } from '../../shared/webhook-signature.ts';
import { edgeHarness, testKeys } from './edge-harness.ts';

const HOOKS = JSON.stringify({
  deploys: { scheme: 'quarry', secretBinding: 'HOOK_SECRET_DEPLOYS', defaults: { mode: 'http', extract: { h: 'h1' } } },
  github: { scheme: 'github', secretBinding: 'HOOK_SECRET_GITHUB', urlPointers: ['/repository/html_url'] },
});
const hookEnv = { QUARRY_HOOKS: HOOKS, HOOK_SECRET_DEPLOYS: 'old-secret, new-secret', HOOK_SECRET_GITHUB: 'gh-secret' } as never;

describe('POST /v1/hooks/:name (Quarry-Signature)', () => {
  it('turns a signed {urls} payload into jobs, with either rotation secret, and ignores a redelivery', async () => {
    const edge = edgeHarness(hookEnv);
    const body = JSON.stringify({ urls: ['https://e.com/a', 'https://e.com/b'] });
    const now = Math.floor(Date.now() / 1000);
    // Two deliveries of the same body, one second apart, each signed with one of the secrets.
    for (const [secret, t] of [['old-secret', now - 1], ['new-secret', now]] as const) {
      const signature = await signQuarry(secret, body, t);
      const res = await edge.request('POST', '/v1/hooks/deploys', { raw: body, auth: null, headers: { 'content-type': 'application/json', 'quarry-signature': signature } });
      expect(res.status).toBe(202);
      const accepted = await res.json<{ count: number; duplicate: boolean }>();
      expect(accepted).toMatchObject({ count: 2, duplicate: false });
      const again = await edge.request('POST', '/v1/hooks/deploys', { raw: body, auth: null, headers: { 'content-type': 'application/json', 'quarry-signature': signature } });
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ count: 0, deduplicated: 2, duplicate: true });
    }
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(4);
  });

  it('passes the hook\'s formats defaults to its jobs', async () => {
    const hooks = JSON.stringify({ pages: { scheme: 'quarry', secretBinding: 'HOOK_SECRET_PAGES', defaults: { mode: 'browser', formats: ['markdown', 'links', { type: 'screenshot', fullPage: true }], onlyMainContent: true } } });
    const edge = edgeHarness({ QUARRY_HOOKS: hooks, HOOK_SECRET_PAGES: 'secret' } as never);
    const body = JSON.stringify({ url: 'https://e.com/formats' });
    const res = await edge.request('POST', '/v1/hooks/pages', { raw: body, auth: null, headers: { 'content-type': 'application/json', 'quarry-signature': await signQuarry('secret', body) } });
    expect(res.status).toBe(202);
    const jobId = (await res.json<{ jobs: { id: string }[] }>()).jobs[0]!.id;
    const data = JSON.parse((await edge.broker.hget<string>(`${edge.prefix}:scrape:${jobId}`, 'data'))!) as { request: Record<string, unknown> };
    expect(data?.request).toMatchObject({ url: 'https://e.com/formats', mode: 'browser', onlyMainContent: true, formats: ['markdown', 'links', { type: 'screenshot', fullPage: true }] });
  });

  it.each([
    ['no signature', undefined, /missing/],
    ['wrong secret', 'other', /does not match/],
    ['replayed timestamp', 'stale', /5-minute window/],
    ['tampered body', 'tampered', /does not match/],
  ])('refuses %s with 401 and enqueues nothing', async (_name, kind, detail) => {
    const edge = edgeHarness(hookEnv);
    const body = JSON.stringify({ url: 'https://e.com/x' });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (kind === 'other') headers['quarry-signature'] = await signQuarry('not-the-secret', body);
    if (kind === 'stale') headers['quarry-signature'] = await signQuarry('new-secret', body, Math.floor(Date.now() / 1000) - 301);
    if (kind === 'tampered') headers['quarry-signature'] = await signQuarry('new-secret', JSON.stringify({ url: 'https://e.com/y' }));
    const res = await edge.request('POST', '/v1/hooks/deploys', { raw: body, auth: null, headers });
    expect(res.status).toBe(401);
    expect((await res.json<{ detail: string }>()).detail).toMatch(detail);
    expect(await edge.keys()).toEqual([]);
  });

  it('answers 404 for an unknown hook', async () => {
    const res = await edgeHarness(hookEnv).request('POST', '/v1/hooks/nope', { raw: '{}', auth: null });
    expect(res.status).toBe(404);
  });
});

describe('POST /v1/hooks/:name (GitHub X-Hub-Signature-256)', () => {
  it('accepts a payload signed by @octokit/webhooks-methods and maps the configured pointer', async () => {
    const edge = edgeHarness(hookEnv);
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { html_url: 'https://github.example/acme/site' } });
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': await octokitSign('gh-secret', body), 'x-github-delivery': 'delivery-1' };
    const res = await edge.request('POST', '/v1/hooks/github', { raw: body, auth: null, headers });
    expect(res.status).toBe(202);
    const accepted = await res.json<{ jobs: { id: string }[] }>();
    const job = await (await edge.request('GET', `/v1/jobs/${accepted.jobs[0]!.id}`)).json();
    expect(job).toMatchObject({ status: 'waiting' });
    const bad = await edge.request('POST', '/v1/hooks/github', { raw: body, auth: null, headers: { ...headers, 'x-hub-signature-256': await octokitSign('wrong', body) } });
    expect(bad.status).toBe(401);
  });
});

/** What completed-job retention leaves after an hour: no job hashes, no wait list entries. */
async function dropJobs(edge: ReturnType<typeof edgeHarness>) {
  const jobKeys = (await edge.keys()).filter((key) => /:scrape:[0-9a-f]{12}\./.test(key));
  if (jobKeys.length > 0) await edge.broker.del(...jobKeys);
  await edge.broker.del(`${edge.prefix}:scrape:wait`);
}

const post = (edge: ReturnType<typeof edgeHarness>, hook: string, body: string, headers: Record<string, string>) =>
  edge.request('POST', `/v1/hooks/${hook}`, { raw: body, auth: null, headers: { 'content-type': 'application/json', ...headers } });

describe('webhook replay protection', () => {
  it('quarry: a captured delivery replayed with another v1= appended is a duplicate, also after its jobs are gone', async () => {
    const edge = edgeHarness(hookEnv);
    const body = JSON.stringify({ url: 'https://e.com/replay' });
    const signature = await signQuarry('new-secret', body);
    expect((await post(edge, 'deploys', body, { 'quarry-signature': signature })).status).toBe(202);
    await dropJobs(edge);
    for (const replayed of [signature, `${signature},v1=${'ab'.repeat(32)}`, `v1=${'cd'.repeat(32)},${signature}`, signature.replace(/^t=(\d+)/, 't=0$1')]) {
      const res = await post(edge, 'deploys', body, { 'quarry-signature': replayed });
      expect(res.status, replayed).toBe(200);
      expect(await res.json()).toMatchObject({ duplicate: true, count: 0 });
    }
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(0);
    expect((await edge.keys()).filter((key) => /:scrape:[0-9a-f]{12}\./.test(key))).toEqual([]);
  });

  it('github: a delivery is remembered for 72 h, whatever X-GitHub-Delivery says (GitHub does not sign it)', async () => {
    const edge = edgeHarness(hookEnv);
    const body = JSON.stringify({ repository: { html_url: 'https://github.example/acme/replay' } });
    const headers = { 'x-hub-signature-256': await octokitSign('gh-secret', body), 'x-github-delivery': 'delivery-1' };
    const first = await post(edge, 'github', body, headers);
    expect(first.status).toBe(202);
    const { jobs } = await first.json<{ jobs: { id: string }[] }>();
    await dropJobs(edge);
    for (const delivery of ['delivery-1', 'delivery-forged']) {
      const res = await post(edge, 'github', body, { ...headers, 'x-github-delivery': delivery });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ duplicate: true, count: 0, jobs: [{ id: jobs[0]!.id, duplicate: true }] });
    }
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(0);
    const [marker] = (await edge.keys()).filter((key) => key.includes(':hook-delivery:github:'));
    expect(await edge.broker.ttl(marker!)).toBeGreaterThan(72 * 3600 - 60);
  });

  it("a failed enqueue forgets the delivery, so the sender's retry creates the jobs", async () => {
    const edge = edgeHarness(hookEnv);
    const body = JSON.stringify({ urls: ['https://e.com/r1', 'https://e.com/r2'] });
    const signature = await signQuarry('new-secret', body);
    // BullMQ's add script INCRs the id counter first: a non-number there fails every enqueue
    // before it writes anything.
    await edge.broker.set(`${edge.prefix}:scrape:id`, 'not-a-number');
    expect((await post(edge, 'deploys', body, { 'quarry-signature': signature })).status).toBe(503);
    expect((await edge.keys()).filter((key) => key.includes(':hook-delivery:'))).toEqual([]);
    await edge.broker.del(`${edge.prefix}:scrape:id`);
    const retry = await post(edge, 'deploys', body, { 'quarry-signature': signature });
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ count: 2, duplicate: false });
    expect(await edge.broker.llen(`${edge.prefix}:scrape:wait`)).toBe(2);
  });
});

describe('hook tenants', () => {
  it('a hook\'s jobs belong to its tenant: hook-<name> by default, or the one it names', async () => {
    const hooks = JSON.stringify({
      deploys: { scheme: 'quarry', secretBinding: 'HOOK_SECRET_DEPLOYS' },
      shop: { scheme: 'quarry', secretBinding: 'HOOK_SECRET_DEPLOYS', tenant: 'tenant-a' },
    });
    const edge = edgeHarness({ QUARRY_HOOKS: hooks, HOOK_SECRET_DEPLOYS: 'secret' } as never);
    const keys = testKeys();
    const trigger = async (hook: string) => {
      const body = JSON.stringify({ url: `https://e.com/${hook}` });
      const res = await post(edge, hook, body, { 'quarry-signature': await signQuarry('secret', body) });
      return (await res.json<{ jobs: { id: string }[] }>()).jobs[0]!.id;
    };
    const own = await trigger('deploys');
    const shop = await trigger('shop');
    expect((await edge.request('GET', `/v1/jobs/${own}`, { auth: keys.a1 })).status).toBe(404);
    expect((await edge.request('GET', `/v1/jobs/${own}`, { auth: keys.admin })).status).toBe(200);
    expect((await edge.request('GET', `/v1/jobs/${shop}`, { auth: keys.a2 })).status).toBe(200);
    expect((await edge.request('GET', `/v1/jobs/${shop}`, { auth: keys.b })).status).toBe(404);
    const data = JSON.parse((await edge.broker.hget(`${edge.prefix}:scrape:${own}`, 'data'))!) as { tenant: string; submittedBy: string };
    expect(data).toMatchObject({ tenant: 'hook-deploys', submittedBy: 'hook:deploys' });
  });
});
