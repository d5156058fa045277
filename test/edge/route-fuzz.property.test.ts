/**
 * Property: whatever a caller puts in a route's path parameters and query parameters, the
 * answer is never in the 5xx range (a bad parameter is the caller's mistake: a 4xx that says
 * so). ≥ 1,000 generated requests over every route, with each kind of key, inside workerd.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { edgeHarness, testKeys } from './edge-harness.ts';

const HOOKS = JSON.stringify({ deploys: { scheme: 'quarry', secretBinding: 'HOOK_SECRET_DEPLOYS' }, gh: { scheme: 'github', secretBinding: 'HOOK_SECRET_DEPLOYS' } });
const edge = edgeHarness({ QUARRY_HOOKS: HOOKS, HOOK_SECRET_DEPLOYS: 'secret' } as never);
const keys = testKeys();

/** Characters that mean something in a URL, in percent-encoding, or to a parser. */
const special = fc.constantFrom('%', '%2', '%zz', '%25', '%00', '%2F', '%2e%2e', '%E0%A4%A', '%C0%AF', '%FF', '%ED%A0%80', '.', '..', '/', '\\', '?', '#', '&', '=', ':', ';', '@', '+', ' ', '\t', '\u0000', '\u00e9', '\u{1F600}', '\ufeff', '*', '{', '}', '[', ']', '"', "'", '<', '>', '|', '^', '`', '~');
const plain = fc.stringMatching(/^[A-Za-z0-9_.-]{0,20}$/);
const tagged = fc.tuple(fc.stringMatching(/^[0-9a-f]{12}$/), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)).map(([tag, rest]) => `${tag}.${rest}`);
const numberish = fc.constantFrom('0', '-1', '1', '1.5', '1e3', '0x10', ' 5', '5 ', '', 'NaN', 'Infinity', '-0', '60', '61', '500', '501', '99999999999999999999', '9007199254740993');
/** One path segment or query value, as raw text put into the URL. */
const value = fc.oneof(
  plain, tagged, numberish, special,
  fc.array(fc.oneof(plain, special, numberish), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s)),
  fc.constant('x'.repeat(3000)),
);

type Call = { method: string; path: string; query?: Record<string, string>; body?: unknown; raw?: string };
const route: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ status: fc.oneof(value, fc.constantFrom('failed', 'completed', 'waiting', 'active', 'delayed', 'prioritized')), limit: value, cursor: value })
    .map((query) => ({ method: 'GET', path: '/v1/jobs', query })),
  fc.record({ id: value, wait: value }).map(({ id, wait }) => ({ method: 'GET', path: `/v1/jobs/${id}`, query: { wait } })),
  value.map((id) => ({ method: 'GET', path: `/v1/jobs/${id}` })),
  value.map((id) => ({ method: 'GET', path: `/v1/jobs/${id}/events` })),
  value.map((id) => ({ method: 'DELETE', path: `/v1/jobs/${id}` })),
  value.map((id) => ({ method: 'POST', path: `/v1/jobs/${id}/retry` })),
  value.map((id) => ({ method: 'GET', path: `/v1/batches/${id}` })),
  value.map((host) => ({ method: 'GET', path: `/v1/domains/${host}` })),
  value.map((host) => ({ method: 'PUT', path: `/v1/domains/${host}/limits`, body: { concurrency: 1 } })),
  value.map((host) => ({ method: 'DELETE', path: `/v1/domains/${host}/limits` })),
  fc.record({ name: fc.oneof(value, fc.constantFrom('deploys', 'gh')), body: fc.string({ maxLength: 50 }) })
    .map(({ name, body }) => ({ method: 'POST', path: `/v1/hooks/${name}`, raw: body })),
  fc.record({ path: value, query: value }).map(({ path, query }) => ({ method: 'GET', path: `/v1/${path}`, query: { [query]: query } })),
);

function buildPath(call: Call): string | undefined {
  const search = call.query ? '?' + Object.entries(call.query).map(([k, v]) => `${k}=${v}`).join('&') : '';
  try {
    new URL(`https://quarry.test${call.path}${search}`);
  } catch {
    return undefined;
  }
  return `${call.path}${search}`;
}

afterAll(async () => {
  const written = await edge.keys();
  if (written.length > 0) await edge.broker.del(...written);
});

describe('route parameters', () => {
  it('GET /v1/domains/%25 is a 400 naming the parameter, not a 500', async () => {
    const res = await edge.request('GET', '/v1/domains/%25');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ path: 'host' }] });
  });

  it('no path or query parameter gets an answer in the 5xx range', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(route, fc.constantFrom(keys.admin, keys.a1, keys.read, keys.own), async (call, auth) => {
      const path = buildPath(call);
      fc.pre(path !== undefined);
      const init: Parameters<typeof edge.request>[2] = { auth };
      if (call.body !== undefined) init.body = call.body;
      if (call.raw !== undefined) init.raw = call.raw;
      const res = await edge.request(call.method, path!, init);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      await res.body?.cancel();
      expect(res.status, `${call.method} ${path!.slice(0, 200)}`).toBeLessThan(500);
    }), { numRuns: 1500 });
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(1000);
    // The generator reaches the routes, not only the 404 of unknown paths.
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(statuses.get(200)).toBeGreaterThan(50);
  });
});
