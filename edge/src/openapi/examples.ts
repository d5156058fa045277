/**
 * @module edge/openapi/examples
 * Examples for bodies whose schemas live in shared/ (requests) or are plain strings (SSE), and
 * the domain view's schema: every request and response body in the document has an example
 * (test/edge/openapi.test.ts and test/contract/openapi-lint.test.ts check it).
 */
import { z } from 'zod';
import { domainLimitsSchema } from '../../../shared/domain-limits.ts';

export const jobRequestExample = {
  url: 'https://example.com/product/1',
  mode: 'http',
  extract: { title: 'h1', price: '.price' },
  formats: ['markdown'],
  attempts: 3,
  idempotencyKey: 'order-42',
};

export const domainLimitsExample = { rates: [{ max: 2, perMs: 1000 }, { max: 60, perMs: 60_000 }], concurrency: 4 };

export const jobEventsExample = 'event: status\ndata: {"id":"3f2a9c0b1d4e.j-8d1e2f","status":"active","attempts":{"made":0,"started":1,"max":3}}\n\n'
  + 'event: progress\ndata: {"id":"3f2a9c0b1d4e.j-8d1e2f","progress":50}\n\n'
  + 'event: completed\ndata: {"id":"3f2a9c0b1d4e.j-8d1e2f","status":"completed","attempts":{"made":0,"started":1,"max":3},"progress":100,"result":{"httpStatus":200,"title":"Product 1"}}\n\n';

const rate = z.object({ max: z.number(), perMs: z.number() });
const time = z.string().nullable();

/** GET /v1/domains/{host} (edge/src/domains/domain-state.ts readDomainState). */
export const domainViewSchema = z.object({
  domain: z.string(),
  override: domainLimitsSchema.nullable().describe('This domain\'s own limits (PUT …/limits); null: the fleet defaults apply'),
  defaults: z.object({ rates: z.array(rate), concurrency: z.number(), published: z.boolean().describe('False until a worker published its configured defaults') }),
  effective: z.object({ rates: z.array(rate), concurrency: z.number() }),
  usage: z.object({
    windows: z.array(rate.extend({ used: z.number() })),
    activeLeases: z.number().describe('Requests in flight now'), reservedAhead: z.number(),
    nextSlotAt: z.string(), holdMs: z.number().describe('How long the next request would wait: > 0 means throttled now'),
  }),
  cooldownUntil: time.describe('Set after the site answered 429/503: no request before then'),
  robots: z.array(z.object({
    origin: z.string(), outcome: z.string().nullable(), status: z.number(),
    fetchedAt: time, expiresAt: time, unreachableSince: time, truncated: z.boolean(),
  })).describe('The fleet\'s cached robots.txt per origin (https, http); empty until a worker fetched it'),
}).meta({
  id: 'DomainView',
  example: {
    domain: 'shop.example.com', override: { concurrency: 4 },
    defaults: { rates: [{ max: 1, perMs: 1000 }], concurrency: 2, published: true },
    effective: { rates: [{ max: 1, perMs: 1000 }], concurrency: 4 },
    usage: { windows: [{ max: 1, perMs: 1000, used: 1 }], activeLeases: 2, reservedAhead: 0, nextSlotAt: '2026-12-02T10:00:01.000Z', holdMs: 640 },
    cooldownUntil: null,
    robots: [{ origin: 'https://shop.example.com', outcome: 'parsed', status: 200, fetchedAt: '2026-12-02T09:00:00.000Z', expiresAt: '2026-12-03T09:00:00.000Z', unreachableSince: null, truncated: false }],
  },
});
