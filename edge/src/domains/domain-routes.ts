/**
 * @module edge/domains/domain-routes
 * `GET /v1/domains/:host` (limits, usage, cooldown, robots state) and
 * `PUT|DELETE /v1/domains/:host/limits` (per-domain override for the whole fleet; admin scope).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { assertDomainKey } from '../../../shared/domain-key.ts';
import { domainLimitsSchema } from '../../../shared/domain-limits.ts';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { ValidationProblem } from '../problems/problems.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { readDomainState, writeDomainLimits } from './domain-state.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';

export const domainsRoutes = new OpenAPIHono<AppEnv>();

/**
 * `Example.COM` and `example.com:443`? The key is what the workers use: lower-case host[:port].
 * Hono has already percent-decoded the parameter (keeping it as sent when that fails): decoding
 * it again turned `/v1/domains/%25` into a URIError and a 500.
 */
function domainParam(raw: string): string {
  const domain = raw.trim().toLowerCase().replace(/\.$/, '');
  try {
    return assertDomainKey(domain);
  } catch {
    throw new ValidationProblem([{ path: 'host', message: 'must be a hostname with an optional :port, e.g. example.com or 127.0.0.2:8080' }]);
  }
}

domainsRoutes.get('/:host', async (c) => {
  const config = loadEdgeConfig(c.env);
  const domain = domainParam(c.req.param('host'));
  return c.json(await withBroker(() => readDomainState(upstashClient(config.broker), upstashClient(config.results), config.prefix, domain)));
});

domainsRoutes.put('/:host/limits', async (c) => {
  const config = loadEdgeConfig(c.env);
  const domain = domainParam(c.req.param('host'));
  const limits = await readJsonBody(c, domainLimitsSchema);
  await withBroker(() => writeDomainLimits(upstashClient(config.broker), config.prefix, domain, limits));
  return c.json({ domain, limits });
});

domainsRoutes.delete('/:host/limits', async (c) => {
  const config = loadEdgeConfig(c.env);
  const domain = domainParam(c.req.param('host'));
  await withBroker(() => writeDomainLimits(upstashClient(config.broker), config.prefix, domain, null));
  return c.json({ domain, limits: null });
});
