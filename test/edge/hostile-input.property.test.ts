/**
 * Property: any malformed or hostile request gets a 4xx problem+json — never a 5xx, never a
 * 202 — and nothing reaches the queue. ≥ 1,000 generated requests inside workerd.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signQuarry } from '../../shared/webhook-signature.ts';
import { edgeHarness } from './edge-harness.ts';

const HOOKS = JSON.stringify({ deploys: { scheme: 'quarry', secretBinding: 'HOOK_SECRET_DEPLOYS' } });
const edge = edgeHarness({ QUARRY_HOOKS: HOOKS, HOOK_SECRET_DEPLOYS: 'secret' } as never);

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'javascript:alert(1)', 'file:///etc/passwd', 'ftp://x', 'http://', 'https://exa mple.com', '//no-scheme', 'h1[[', '<script>', '../../etc', 'x'.repeat(3000)),
);
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { minKeys: 1, maxKeys: 3 }));

/** A job body that is invalid on purpose: a bad value in at least one field. */
const badJob = fc.oneof(
  fc.record({ url: fc.oneof(hostileString, wrongType) }),
  fc.record({ url: fc.constant('https://example.com/'), mode: fc.oneof(hostileString, wrongType) }),
  fc.record({ url: fc.constant('https://example.com/'), timeoutMs: fc.oneof(fc.integer({ max: 999 }), fc.integer({ min: 120_001 }), wrongType) }),
  fc.record({ url: fc.constant('https://example.com/'), attempts: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 11 }), fc.string()) }),
  fc.record({ url: fc.constant('https://example.com/'), extract: fc.oneof(wrongType, fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.oneof(fc.constantFrom('h1[[', '', '>>>', ':nope('), wrongType), { minKeys: 1, maxKeys: 3 })) }),
  fc.record({ url: fc.constant('https://example.com/'), priority: fc.oneof(fc.integer({ min: 2_097_153 }), fc.integer({ max: -1 }), fc.double({ min: 0.1, max: 0.9 })) }),
  fc.record({ url: fc.constant('https://example.com/'), waitFor: fc.constant('#x') }),
  fc.record({ url: fc.constant('https://example.com/'), unexpected: fc.anything().filter((v) => v !== undefined) }),
  wrongType,
);

type Attack = { path: string; method: string; raw?: string; body?: unknown; headers?: Record<string, string>; auth?: string | null };

const attack: fc.Arbitrary<Attack> = fc.oneof(
  badJob.map((body) => ({ path: '/v1/jobs', method: 'POST', body })),
  fc.string({ maxLength: 200 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } })
    .map((raw) => ({ path: '/v1/jobs', method: 'POST', raw, headers: { 'content-type': 'application/json' } })),
  fc.record({ key: fc.oneof(fc.string({ maxLength: 50 }), fc.constant(null)) })
    .map(({ key }) => ({ path: '/v1/jobs', method: 'POST', body: { url: 'https://example.com/' }, auth: key === null ? null : `wrong-${key}` })),
  fc.array(badJob, { minLength: 1, maxLength: 5 }).map((jobs) => ({ path: '/v1/batches', method: 'POST', body: { jobs } })),
  fc.record({ body: fc.string({ maxLength: 100 }), signature: fc.oneof(fc.string({ maxLength: 100 }), fc.constant(undefined)) })
    .map(({ body, signature }) => ({ path: '/v1/hooks/deploys', method: 'POST', raw: body, auth: null, headers: (signature === undefined ? {} : { 'quarry-signature': signature }) as Record<string, string> })),
  fc.integer({ min: 301, max: 100_000 }).chain((age) => fc.constant(age)).map((age) => ({ path: '/v1/hooks/deploys', method: 'POST', raw: `{"url":"https://e.com/${age}"}`, auth: null, headers: { 'quarry-signature': `stale:${age}` } })),
  fc.constantFrom('/v1/jobs/%00', '/v1/jobs/..%2f..', '/v1/batches/12345', '/v1/nope', '/v1/jobs/x/retry').map((path) => ({ path, method: 'GET' })),
);

describe('hostile input', () => {
  it('answers every malformed request with a 4xx problem+json and enqueues nothing', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(attack, async (a) => {
      const headers = { ...a.headers };
      if (headers['quarry-signature']?.startsWith('stale:')) {
        const age = Number(headers['quarry-signature'].slice(6));
        headers['quarry-signature'] = await signQuarry('secret', a.raw!, Math.floor(Date.now() / 1000) - age);
      }
      const init: Parameters<typeof edge.request>[2] = { headers };
      if (a.raw !== undefined) init.raw = a.raw;
      if (a.body !== undefined) init.body = a.body;
      if (a.auth !== undefined) init.auth = a.auth;
      const res = await edge.request(a.method, a.path, init);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, JSON.stringify(a).slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(a).slice(0, 300)).toBeLessThan(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }), { numRuns: 1200 });
    expect(await edge.keys()).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1200);
  });
});
