/**
 * @module edge/hooks/hook-routes
 * `POST /v1/hooks/:name`: a signed delivery from a third party becomes jobs of the hook's
 * tenant. Authenticated by its signature, not an API key. A replayed delivery (the same signed
 * content within the replay window) answers 200 with `duplicate: true` and creates nothing.
 * Two broker round trips: the delivery marker, then the enqueue (delivery-marker.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { jobRequestSchema, type JobRequest } from '../../../shared/job-schema.ts';
import { resolveTenant, type Tenant } from '../../../shared/tenant.ts';
import type { AppEnv } from '../app-env.ts';
import { loadEdgeConfig } from '../config.ts';
import { claimDelivery, deliveryMarkerKey } from './delivery-marker.ts';
import { extractUrls, loadHooks } from './hook-config.ts';
import { verifyHookSignature } from './verify-hook-signature.ts';
import { MalformedJsonProblem, NotFoundProblem, ValidationProblem } from '../problems/problems.ts';
import { withBroker } from '../problems/broker-errors.ts';
import { enqueueBatch } from '../jobs/enqueue/enqueue-batch.ts';
import { idempotentJobId } from '../jobs/enqueue/job-id.ts';
import { toEnqueueInput } from '../jobs/enqueue/submission.ts';
import { upstashClient } from '../redis/upstash-clients.ts';
import { issuesToFieldErrors } from '../middleware/read-json-body.ts';

export const hooksRoutes = new OpenAPIHono<AppEnv>();

const tenants = new Map<string, Promise<Tenant>>();
function hookTenant(name: string, tenant: string): Promise<Tenant> {
  let resolved = tenants.get(tenant);
  if (!resolved) tenants.set(tenant, (resolved = resolveTenant(tenant, `QUARRY_HOOKS.${name}.tenant`)));
  return resolved;
}

hooksRoutes.post('/:name', async (c) => {
  const config = loadEdgeConfig(c.env);
  const name = c.req.param('name');
  const hook = loadHooks(c.env.QUARRY_HOOKS)[name];
  if (!hook) throw new NotFoundProblem(`No webhook named "${name}": hooks are defined in QUARRY_HOOKS.`);
  // The signature covers the exact bytes received, so verify before parsing anything.
  const body = await c.req.text();
  const delivery = await verifyHookSignature(hook, c.env, c.req.raw.headers, body);
  let payload: unknown;
  try { payload = JSON.parse(body); } catch { throw new MalformedJsonProblem(); }

  const urls = extractUrls(payload, hook.urlPointers);
  if (urls.length === 0) throw new ValidationProblem([{ path: hook.urlPointers.join(' or '), message: 'no URL found in the payload' }]);
  if (urls.length > hook.maxUrls) throw new ValidationProblem([{ path: hook.urlPointers.join(' or '), message: `holds ${urls.length} URLs; this hook accepts at most ${hook.maxUrls}` }]);
  const requests: JobRequest[] = urls.map((url, i) => {
    const parsed = jobRequestSchema.safeParse({ ...hook.defaults, url });
    if (!parsed.success) throw new ValidationProblem(issuesToFieldErrors(parsed.error.issues).map((e) => ({ ...e, path: `urls.${i}${e.path ? `.${e.path}` : ''}` })));
    return parsed.data;
  });

  const tenant = await hookTenant(name, hook.tenant);
  // Ids from the delivery: a replay names the same jobs, also when it races the original.
  const deliveryJobBase = await idempotentJobId(tenant, `${name}\n${delivery.deliveryId}`, 'h');
  const inputs = await Promise.all(requests.map((request, index) =>
    toEnqueueInput(config, { request, apiKeyId: `hook:${name}`, tenant, jobId: `${deliveryJobBase}-${index}` })));
  const jobView = (id: string, duplicate: boolean) => ({ id, duplicate, statusUrl: new URL(`/v1/jobs/${id}`, c.req.url).toString() });

  const broker = upstashClient(config.broker);
  const claim = await withBroker(() => claimDelivery(broker, deliveryMarkerKey(config.prefix, name, delivery.deliveryId), delivery.replayWindowSeconds));
  if (!claim.fresh) {
    return c.json({ hook: name, duplicate: true, count: 0, deduplicated: inputs.length, jobs: inputs.map((input) => jobView(input.jobId, true)) }, 200);
  }
  let outcomes;
  try {
    outcomes = await withBroker(() => enqueueBatch(broker, inputs, { prelude: (pipeline) => claim.confirm(pipeline) }));
  } catch (error) {
    await claim.release();
    throw error;
  }
  return c.json({
    hook: name,
    duplicate: false,
    count: outcomes.filter((o) => !o.duplicate).length,
    deduplicated: outcomes.filter((o) => o.duplicate).length,
    jobs: outcomes.map((o) => jobView(o.id, o.duplicate)),
  }, 202);
});
